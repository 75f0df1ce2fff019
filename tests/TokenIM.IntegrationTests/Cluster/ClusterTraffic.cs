using System.Collections.Concurrent;
using TokenIM.Client;
using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Cluster;

/// <summary>Two SDK users in one direct conversation.</summary>
public sealed record ClusterPair(SdkDevice First, SdkDevice Second, string ConversationId);

/// <summary>
/// Pairs of SDK users, each pair in a direct conversation, both members sending a steady stream through the SDK (which
/// keeps every send until it is acked and resends it after a reconnect); then a resync of every client and an audit of
/// every conversation against its stored history.
/// </summary>
public sealed class ClusterTraffic : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _attempted = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _acked = new();
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _sending = Task.CompletedTask;
    private TaskCompletionSource? _nextTick;
    private int _ackedCount;
    private int _unavailable;
    private int _skipped;
    private readonly ConcurrentDictionary<SdkDevice, int> _inFlight = new();

    private ClusterTraffic(IReadOnlyList<ClusterPair> pairs)
    {
        Pairs = pairs;
        foreach (var pair in pairs)
        {
            _attempted[pair.ConversationId] = [];
            _acked[pair.ConversationId] = [];
        }
    }

    public IReadOnlyList<ClusterPair> Pairs { get; }

    public IEnumerable<SdkDevice> Devices => Pairs.SelectMany(p => new[] { p.First, p.Second });

    public int Acked => Volatile.Read(ref _ackedCount);

    /// <summary>Sends refused with <c>store_unavailable</c> (and resent by the SDK) so far.</summary>
    public int RefusedUnavailable => Volatile.Read(ref _unavailable);

    /// <summary>Sends made so far, acked or not.</summary>
    public int Attempted => _attempted.Values.Sum(b => b.Count);

    /// <summary>
    /// Signs up <paramref name="pairs"/> pairs, the first and second member of pair i through the addresses
    /// <paramref name="placement"/> gives, makes their conversations and connects every device.
    /// </summary>
    public static Task<ClusterTraffic> ConnectAsync(LocalCluster cluster, string prefix, int pairs, Func<int, (Uri First, Uri Second)> placement) =>
        ConnectAsync(cluster.NextUsername, prefix, pairs, placement);

    /// <summary>As above, for any server: <paramref name="nextUsername"/> gives a username not taken there, from a prefix.</summary>
    public static async Task<ClusterTraffic> ConnectAsync(Func<string, string> nextUsername, string prefix, int pairs, Func<int, (Uri First, Uri Second)> placement)
    {
        var made = await Task.WhenAll(Enumerable.Range(0, pairs).Select(async i =>
        {
            var (first, second) = placement(i);
            var a = await SdkDevice.RegisterAsync(first, nextUsername(prefix), seed: 2 * i);
            var b = await SdkDevice.RegisterAsync(second, nextUsername(prefix), seed: 2 * i + 1);
            var conversation = await a.Rest.CreateDirectConversationAsync(b.UserId);
            return new ClusterPair(a, b, conversation.Id);
        }));
        var traffic = new ClusterTraffic(made);
        foreach (var device in traffic.Devices)
        {
            // The SDK resends these itself (same clientMsgId, after the server's wait): counted, not handled.
            device.Realtime.SendDeferred += (_, e) =>
            {
                if (e.Code == ErrorCode.StoreUnavailable.Code)
                    Interlocked.Increment(ref traffic._unavailable);
            };
        }

        await Task.WhenAll(traffic.Devices.Select(d => d.ConnectAsync()));
        return traffic;
    }

    /// <summary>
    /// Every <paramref name="interval"/>, every device sends one message (not waiting for acks), until <see cref="StopAsync"/>.
    /// </summary>
    public void Start(TimeSpan interval) => Start(interval, int.MaxValue);

    /// <summary>
    /// As above, but a device with <paramref name="maxInFlight"/> sends not yet acked skips its tick: the offered load
    /// then follows what the cluster takes instead of piling up without bound (a long soak).
    /// </summary>
    public void Start(TimeSpan interval, int maxInFlight) => _sending = TickLoopAsync(interval, maxInFlight);

    /// <summary>Ticks a device skipped because it had its most sends in flight.</summary>
    public int Skipped => Volatile.Read(ref _skipped);

    /// <summary>
    /// Completes right after the next tick's sends went to the SDK: a fault caused then lands while every device has a
    /// send in flight, so some are cut between the send and its ack.
    /// </summary>
    public Task NextTickAsync()
    {
        lock (_lock)
        {
            _nextTick ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _nextTick.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> sends in all were acked.</summary>
    public async Task WaitForAckedAsync(int count, string when)
    {
        Task reached;
        lock (_lock)
        {
            if (_ackedCount >= count)
                return;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, waiter));
            reached = waiter.Task;
        }
        try
        {
            await reached.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{Acked} of {count} sends acked within {Timeout.TotalSeconds} s {when}");
        }
    }

    /// <summary>Stops the streams and waits until every send made was acked (the SDK resends across reconnects).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sending.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            var pending = Attempted - Acked;
            Assert.Fail($"{pending} sends still unacknowledged {Timeout.TotalSeconds} s after the streams stopped");
        }
    }

    /// <summary>
    /// Cuts every device's socket and waits until each has reconnected and caught up (<c>sync</c> from its cursor to
    /// the conversation's lastSeq): how a client that missed events, or a message whose event never went out, is made whole.
    /// </summary>
    public async Task ResyncAllAsync()
    {
        await Task.WhenAll(Devices.Select(async device =>
        {
            await device.WaitUntilConnectedAsync();
            var down = device.NextStateAsync(ConnectionState.Reconnecting);
            device.Realtime.AbortConnection();
            await down;
            await device.WaitUntilConnectedAsync();
        }));
    }

    /// <summary>
    /// Reads every conversation's history over REST and checks it and what each member's client delivered: every acked
    /// send stored once, seqs 1..n, and each member saw every stored message once, in seq order.
    /// </summary>
    public async Task<ClusterTally> AuditAsync()
    {
        var tally = new ClusterTally();
        foreach (var pair in Pairs)
        {
            var history = await pair.First.StoredMessagesAsync(pair.ConversationId);
            foreach (var device in new[] { pair.First, pair.Second })
                await device.Log.WaitForAsync(pair.ConversationId, history.Count, Timeout, device.Username);
            tally.Add(_attempted[pair.ConversationId], _acked[pair.ConversationId], history,
                [pair.First.Log.Of(pair.ConversationId), pair.Second.Log.Of(pair.ConversationId)]);
        }
        return tally;
    }

    /// <summary>How many devices lost their socket at least once (before any <see cref="ResyncAllAsync"/>).</summary>
    public int DevicesThatReconnected() => Devices.Count(HasReconnected);

    /// <summary>Whether the device's socket was ever lost.</summary>
    public static bool HasReconnected(SdkDevice device)
    {
        lock (device.States)
            return device.States.Any(s => s.State == ConnectionState.Reconnecting);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var device in Devices)
            await device.DisposeAsync();
        _stop.Dispose();
    }

    private async Task TickLoopAsync(TimeSpan interval, int maxInFlight)
    {
        var sends = new List<Task>();
        using var timer = new PeriodicTimer(interval);
        try
        {
            // Not awaiting the acks: while a socket is down its sends wait in the SDK as pending, and go out again, in
            // order and with their clientMsgIds, after the reconnect.
            for (var n = 0; await timer.WaitForNextTickAsync(_stop.Token); n++)
            {
                foreach (var device in Devices)
                {
                    if (_inFlight.GetValueOrDefault(device) >= maxInFlight)
                    {
                        Interlocked.Increment(ref _skipped);
                        continue;
                    }
                    _inFlight.AddOrUpdate(device, 1, (_, count) => count + 1);
                    sends.Add(SendAsync(device, ConversationOf(device), $"{device.Username}-{n}"));
                }
                // A long run would otherwise keep every finished send; a failed one stays, to be awaited below.
                if (sends.Count > 100_000)
                    sends.RemoveAll(send => send.IsCompletedSuccessfully);
                TaskCompletionSource? tick;
                lock (_lock)
                    (tick, _nextTick) = (_nextTick, null);
                tick?.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
            // The streams were stopped.
        }
        await Task.WhenAll(sends);
    }

    private string ConversationOf(SdkDevice device) => Pairs.First(p => p.First == device || p.Second == device).ConversationId;

    private async Task SendAsync(SdkDevice device, string conversationId, string clientMsgId)
    {
        _attempted[conversationId].Add(clientMsgId);
        while (true)
        {
            try
            {
                var ack = await device.Realtime.SendAsync(conversationId, $"message {clientMsgId}", clientMsgId);
                _acked[conversationId].Add(ack.ClientMsgId);
                _inFlight.AddOrUpdate(device, 0, (_, count) => count - 1);
                OnAcked();
                return;
            }
            catch (TokenImApiException e) when (e.Code == ErrorCode.RateLimited.Code)
            {
                // The burst of resends after a reconnect can exceed the user's send rate; a refused send is no longer
                // the SDK's, so the application retries it, with the same clientMsgId, when the server says.
                await Task.Delay(e.RetryAfter ?? TimeSpan.FromSeconds(1));
            }
        }
    }

    private void OnAcked()
    {
        lock (_lock)
        {
            _ackedCount++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_ackedCount >= _waiters[i].Count)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
