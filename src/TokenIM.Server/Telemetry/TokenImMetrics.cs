using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// The server's own instruments, on one meter per host (<see cref="MeterName"/>, made by the host's
/// <see cref="IMeterFactory"/>, so two servers in one process keep their figures apart). The methods here are the
/// hooks the stages call; without a listener (no metrics configured) each is a check of an empty subscriber list.
/// </summary>
/// <remarks>
/// Hot paths (the send, the write loop, the group commit) call only untagged instruments or pass one tag as a single
/// <see cref="KeyValuePair{TKey, TValue}"/> whose value is a cached string: nothing is allocated per call, and nothing
/// here takes a lock. Counts the live statistics keep already (<c>Stats/NodeCounters</c>, <c>MessageWriter</c>) are
/// exposed by <see cref="ObservedMetrics"/> from those totals rather than counted twice.
/// </remarks>
internal sealed class TokenImMetrics
{
    public const string MeterName = "TokenIM.Server";

    /// <summary>Latency buckets, in seconds: 0.1 ms to 5 s, about three per decade.</summary>
    public static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Group-commit batch sizes: powers of two up to the largest <c>MaxWriteBatch</c>.</summary>
    public static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 10000];

    private static readonly string[] s_shardLabels = [.. Enumerable.Range(0, 64).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly Histogram<double> _sendAck;
    private readonly Histogram<double> _sendDeliver;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _commitBatch;
    private readonly Histogram<double> _storeCommand;
    private readonly Counter<long> _slowReaders;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _signInFailures;
    private long _messagesDelivered;

    public TokenImMetrics(IMeterFactory factory)
    {
        Meter = factory.Create(MeterName);
        _sendAck = Meter.CreateHistogram("tokenim.send.ack.duration", "s",
            "Socket sends: from the send frame read to its ack queued for the sender.", advice: Latency);
        _sendDeliver = Meter.CreateHistogram("tokenim.send.deliver.duration", "s",
            "Stored sends (any transport): from queued for the writer to the message event handed to this node's recipients' sockets and the bus.", advice: Latency);
        _commitDuration = Meter.CreateHistogram("tokenim.store.commit.duration", "s",
            "Group-commit transactions: time in the store, by shard.", advice: Latency);
        _commitBatch = Meter.CreateHistogram("tokenim.store.commit.batch_size", "{message}",
            "Group-commit transactions: sends written in one transaction, by shard.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [.. BatchBuckets.Select(b => (long)b)] });
        _storeCommand = Meter.CreateHistogram("tokenim.store.command.duration", "s",
            "Store commands other than the group commit's own statements: time to execute, by shard (directory: the directory database).", advice: Latency);
        _slowReaders = Meter.CreateCounter<long>("tokenim.sockets.slow_reader_closes", "{socket}",
            "Sockets closed with 4009 because their outbox overflowed.");
        _rateLimited = Meter.CreateCounter<long>("tokenim.rate_limited", "{request}",
            "Requests and sends refused by a rate limit, by policy.");
        _signInFailures = Meter.CreateCounter<long>("tokenim.sign_in.failures", "{attempt}",
            "Refused sign-ins, by reason.");
        Meter.CreateObservableCounter("tokenim.messages.delivered", () => Interlocked.Read(ref _messagesDelivered), "{message}",
            "Message events queued to sockets on this node (one per receiving socket).");
    }

    public Meter Meter { get; }

    private static InstrumentAdvice<double> Latency { get; } = new() { HistogramBucketBoundaries = LatencyBuckets };

    /// <summary>A socket send's ack was queued; <paramref name="readAt"/> is the <see cref="Stopwatch"/> timestamp of its frame.</summary>
    public void SendAcked(long readAt) => _sendAck.Record(Stopwatch.GetElapsedTime(readAt).TotalSeconds);

    /// <summary>A stored send's event went out; <paramref name="queuedAt"/> is the <see cref="Stopwatch"/> timestamp of its queueing.</summary>
    public void SendDelivered(long queuedAt) => _sendDeliver.Record(Stopwatch.GetElapsedTime(queuedAt).TotalSeconds);

    /// <summary>One group-commit transaction on <paramref name="shard"/>: how long, and how many sends.</summary>
    public void Committed(int shard, TimeSpan elapsed, int sends)
    {
        var tag = ShardTag(shard);
        _commitDuration.Record(elapsed.TotalSeconds, tag);
        _commitBatch.Record(sends, tag);
    }

    public void StoreCommand(int shard, TimeSpan elapsed) => _storeCommand.Record(elapsed.TotalSeconds, ShardTag(shard));

    /// <summary>A message event reached <paramref name="sockets"/> sockets of this node.</summary>
    public void MessagesDelivered(int sockets) => Interlocked.Add(ref _messagesDelivered, sockets);

    public void SlowReaderClosed() => _slowReaders.Add(1);

    /// <summary>A refusal by <paramref name="policy"/>: <c>auth</c>, <c>register</c>, <c>server-api</c> (per address or key), <c>send</c> (per user).</summary>
    public void RateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    /// <summary>A refused sign-in: <c>unknown_user</c>, <c>wrong_password</c> or <c>throttled</c> (the account's failed sign-in limit).</summary>
    public void SignInFailed(string reason) => _signInFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static KeyValuePair<string, object?> ShardTag(int shard) => new("shard", shard switch
    {
        < 0 => "directory",
        < 64 => s_shardLabels[shard],
        _ => shard.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}
