using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace TokenIM.Cli.Bench;

/// <summary>
/// Sends from many sockets at once: each sender keeps at most <c>window</c> sends awaiting their answer, optionally
/// paced to a fixed rate. An <c>ack</c> or an <c>error</c> with the send's <c>re</c> frees its slot. At a fixed rate
/// a send's stamp is the time it was due, not the time it left, so a stalled server shows in the latency instead of
/// slowing the generator down (no coordinated omission).
/// </summary>
internal sealed class SendPump(int users, int window)
{
    private readonly SemaphoreSlim[] _slots = [.. Enumerable.Range(0, users).Select(_ => new SemaphoreSlim(window, window))];
    private long _acked;
    private long _refused;

    public ConcurrentDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>At a fixed rate: how late each send left after it was due (the generator's own delay, included in latency).</summary>
    public LatencyRecorder Lateness { get; } = new();

    /// <summary>send → ack (committed), per message.</summary>
    public LatencyRecorder AckLatency { get; } = new();

    public long Acked => Volatile.Read(ref _acked);

    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Sends attempted, acked and refused, and each refusal code's count.</summary>
    public void AddCounts(BenchResult result, long sent)
    {
        result.Add("sent", sent, "msg");
        result.Add("acked", Acked, "msg");
        result.Add("refused", Refused, "msg");
        foreach (var (code, count) in Errors)
            result.Add($"error_{code}", count, "");
    }

    /// <summary>Called by the receive loop of user <paramref name="user"/>'s socket for <c>ack</c> and <c>error</c> frames.</summary>
    public void OnAnswer(int user, in BenchFrame frame)
    {
        if (frame.Op.SequenceEqual("ack"u8))
        {
            Interlocked.Increment(ref _acked);
            AckLatency.RecordSince(Stamp.Read(frame.Re));
        }
        else
        {
            Interlocked.Increment(ref _refused);
            Errors.AddOrUpdate(Encoding.UTF8.GetString(frame.Code), 1, (_, n) => n + 1);
            if (frame.Re.IsEmpty)
                return; // Not an answer to a send (e.g. a slow-reader notice): no slot to free.
        }

        _slots[user].Release();
    }

    /// <summary>
    /// Sends <paramref name="perSender"/> messages from each of <paramref name="senders"/> (user indexes) on its socket
    /// into its conversation; returns when every send has been answered. <paramref name="ratePerSender"/> 0 is as fast as
    /// the window allows.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<int> senders, Func<int, BenchSocket> socketOf, Func<int, string> conversationOf,
        int perSender, double ratePerSender, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        AckLatency.Start();
        await Task.WhenAll(senders.Select(user => Task.Run(() => SendAllAsync(user), cancellationToken)));

        async Task SendAllAsync(int user)
        {
            var socket = socketOf(user);
            var conversation = conversationOf(user);
            var slot = _slots[user];
            for (var n = 0; n < perSender; n++)
            {
                long stamp;
                if (ratePerSender > 0)
                {
                    stamp = start + (long)(n / ratePerSender * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), stamp);
                    if (wait > TimeSpan.FromMilliseconds(1))
                        await Task.Delay(wait, cancellationToken);
                    await slot.WaitAsync(cancellationToken);
                    Lateness.RecordSince(stamp);
                }
                else
                {
                    await slot.WaitAsync(cancellationToken);
                    stamp = Stopwatch.GetTimestamp();
                }

                if (!socket.Send(Stamp.SendFrame(conversation, $"{user}-{n}", stamp)))
                    throw new InvalidOperationException($"The socket of user {user} closed during the run ({socket.CloseStatus}).");
            }

            // Every slot back means every send was answered.
            for (var i = 0; i < window; i++)
                await slot.WaitAsync(cancellationToken);
            slot.Release(window);
        }
    }
}
