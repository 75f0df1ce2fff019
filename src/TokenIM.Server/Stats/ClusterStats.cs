using System.Text.Json;
using StackExchange.Redis;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Bus;

namespace TokenIM.Server.Stats;

/// <summary>
/// The figures of every node, so that any node answers for the cluster. Each node samples itself every
/// <see cref="NodeStats.SampleInterval"/> and, when the nodes share Redis, writes its figures there under a key that
/// expires after <see cref="Ttl"/>: a node that dies drops out of the answer within that time, with nothing to clean
/// up. A reader lists the members of <see cref="RedisKeys.StatsNodes"/>, reads their keys at once, and forgets
/// members whose key has expired. Redis being down costs the answer the other nodes, never the node itself.
/// </summary>
internal sealed partial class ClusterStats(NodeStats local, IServiceProvider services, TimeProvider time, ILogger<ClusterStats> logger) : BackgroundService
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(6);

    private readonly RedisConnection? _redis = BusServiceCollectionExtensions.IsRedis(services) ? services.GetRequiredService<RedisConnection>() : null;

    /// <summary>Every live node's figures (this node's taken now, the others' at most a sample interval old) and their totals.</summary>
    public async Task<ServerStatsDto> GetAsync()
    {
        var mine = local.Snapshot();
        var nodes = new List<NodeStatsDto> { mine };
        if (_redis is not null)
            nodes.AddRange(await OthersAsync(mine.NodeId));
        nodes.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return new ServerStatsDto(mine.SampledAt, Total(nodes), nodes);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(NodeStats.SampleInterval, time);
        do
        {
            local.Sample();
            if (_redis is not null)
                await PublishAsync(_redis);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_redis is null)
            return;
        // A node that stops in good order leaves at once rather than after the TTL. Best effort: Redis may be down, or
        // its connection already disposed by a host torn down in a hurry; the TTL removes the figures then.
        try
        {
            await _redis.Database.KeyDeleteAsync(_redis.Keys.StatsNode(local.NodeId));
            await _redis.Database.SetRemoveAsync(_redis.Keys.StatsNodes, local.NodeId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogRedisFailed(logger, e);
        }
    }

    private async Task PublishAsync(RedisConnection redis)
    {
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(local.Snapshot(), ProtocolJsonContext.Wire.NodeStatsDto);
            await redis.Database.StringSetAsync(redis.Keys.StatsNode(local.NodeId), json, Ttl);
            await redis.Database.SetAddAsync(redis.Keys.StatsNodes, local.NodeId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, e);
        }
    }

    private async Task<IReadOnlyList<NodeStatsDto>> OthersAsync(string self)
    {
        try
        {
            var db = _redis!.Database;
            var members = (await db.SetMembersAsync(_redis.Keys.StatsNodes)).Select(m => (string)m!).Where(m => m != self).ToArray();
            if (members.Length == 0)
                return [];
            var values = await db.StringGetAsync([.. members.Select(_redis.Keys.StatsNode)]);
            var others = new List<NodeStatsDto>(members.Length);
            var gone = new List<RedisValue>();
            for (var i = 0; i < members.Length; i++)
            {
                if (values[i].IsNull)
                    gone.Add(members[i]);
                else if (JsonSerializer.Deserialize((byte[])values[i]!, ProtocolJsonContext.Wire.NodeStatsDto) is { } node)
                    others.Add(node);
            }

            // A member whose key expired is a node that stopped without leaving; a live one adds itself back at its next sample.
            if (gone.Count > 0)
                await db.SetRemoveAsync(_redis.Keys.StatsNodes, [.. gone]);
            return others;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or JsonException)
        {
            LogRedisFailed(logger, e);
            return [];
        }
    }

    private static StatsTotalDto Total(List<NodeStatsDto> nodes) => new(
        nodes.Count,
        nodes.Sum(n => n.OpenSockets),
        nodes.Sum(n => n.AuthenticatedSockets),
        nodes.Sum(n => n.ConnectedUsers),
        Math.Round(nodes.Sum(n => n.MessagesPerSecond), 1),
        Math.Round(nodes.Sum(n => n.FramesInPerSecond), 1),
        Math.Round(nodes.Sum(n => n.FramesOutPerSecond), 1),
        nodes.Sum(n => n.MessagesStored),
        nodes.Sum(n => n.GroupCommitBatches),
        nodes.Sum(n => n.GcHeapBytes));

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Sharing live statistics through Redis failed; the answer holds this node only until it is back")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception);
}
