using System.Reflection;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Bus;
using TokenIM.Server.Delivery;
using TokenIM.Server.Gateway;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Stats;

/// <summary>
/// This node's live figures. Every <see cref="SampleInterval"/> it records its running totals in a small ring, so a
/// rate is the difference between now and the oldest reading within <see cref="Window"/>: no work per message beyond
/// the counters' increments, and nothing to reset.
/// </summary>
internal sealed class NodeStats(
    NodeCounters counters,
    MessageWriter writer,
    ConnectionRegistry registry,
    GatewayLifetime gateway,
    IServiceProvider services,
    TimeProvider time)
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private static readonly string s_version =
        typeof(NodeStats).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly Lock _gate = new();
    private readonly Queue<Reading> _readings = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    /// <summary>The node's id: its id on the Redis bus when there is one, so the figures and the bus name it alike.</summary>
    public string NodeId { get; } = BusServiceCollectionExtensions.IsRedis(services)
        ? services.GetRequiredService<RedisConnection>().NodeId
        : Guid.NewGuid().ToString("N");

    /// <summary>Records the totals now; called every <see cref="SampleInterval"/>.</summary>
    public void Sample()
    {
        var reading = Read();
        lock (_gate)
        {
            _readings.Enqueue(reading);
            // Keep the newest reading older than the window too: it is what a rate over the full window starts from.
            while (_readings.Count > 1 && reading.At - _readings.ElementAt(1).At >= Window)
                _readings.Dequeue();
        }
    }

    /// <summary>The figures now, rates over the last <see cref="Window"/> (or since start, when younger).</summary>
    public NodeStatsDto Snapshot()
    {
        var now = Read();
        Reading from;
        lock (_gate)
            from = _readings.Count > 0 ? _readings.Peek() : new Reading(_startedAt, 0, 0, 0, 0, 0);
        var seconds = Math.Max((now.At - from.At).TotalSeconds, 0.001);
        var batches = now.Batches - from.Batches;
        return new NodeStatsDto(
            NodeId,
            Environment.MachineName,
            s_version,
            _startedAt,
            Math.Round((now.At - _startedAt).TotalSeconds, 1),
            now.At,
            gateway.OpenCount,
            registry.Count,
            registry.UserCount,
            Rate(now.Messages - from.Messages, seconds),
            Rate(now.FramesIn - from.FramesIn, seconds),
            Rate(now.FramesOut - from.FramesOut, seconds),
            now.Messages,
            now.Batches,
            Rate(batches, seconds),
            batches > 0 ? Math.Round(TimeSpan.FromTicks((now.StoreTicks - from.StoreTicks) / batches).TotalMilliseconds, 2) : null,
            GC.GetTotalMemory(forceFullCollection: false),
            Environment.WorkingSet,
            ThreadPool.ThreadCount,
            ThreadPool.PendingWorkItemCount);
    }

    private static double Rate(long delta, double seconds) => Math.Round(delta / seconds, 1);

    private Reading Read() => new(time.GetUtcNow(), writer.MessagesStored, writer.Batches, writer.StoreTicks, counters.FramesIn, counters.FramesOut);

    private sealed record Reading(DateTimeOffset At, long Messages, long Batches, long StoreTicks, long FramesIn, long FramesOut);
}
