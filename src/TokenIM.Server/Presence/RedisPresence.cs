using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TokenIM.Server.Bus;
using TokenIM.Server.Delivery;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Presence;

/// <summary>
/// Presence across nodes in Redis: per user the set of nodes holding a socket of theirs, per node the set of its
/// users, and a liveness deadline per node that <see cref="PresenceHeartbeat"/> renews. Writes happen only on a
/// user's transitions on this node, never per socket or per heartbeat; a heartbeat is one script call whatever the
/// node holds. When Redis is unreachable the node falls back to its own view (its transitions are announced as on
/// one node, online means "has a socket here") and, once Redis answers again, re-registers every user it holds.
/// </summary>
internal sealed partial class RedisPresence(
    RedisConnection redis,
    ConnectionRegistry registry,
    IOptions<TokenImOptions> options,
    ILogger<RedisPresence> logger) : IPresenceRegistry
{
    private const int DeadNodesPerSweep = 16;
    private readonly BusSettings _settings = options.Value.Bus;

    // One user's syncs on this node run one at a time, each reading the registry inside its turn: racing opens and
    // closes then leave Redis where the registry ends, whatever order their scripts would have reached Redis in.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private volatile bool _needsResync;
    private volatile bool _halted;

    public async ValueTask<bool?> SocketsChangedAsync(string userId, bool online)
    {
        if (_halted)
            return null;
        try
        {
            return await SyncAsync(userId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _needsResync = true;
            LogDegraded(logger, e);
            return online;
        }
    }

    public async ValueTask<IReadOnlyList<string>> OnlineAsync(IReadOnlyList<string> userIds)
    {
        if (userIds.Count == 0)
            return [];
        try
        {
            var keys = userIds.Select(redis.Keys.PresenceUser).ToArray();
            var flags = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(PresenceScripts.Online, keys))!;
            return [.. userIds.Where((_, i) => (long)flags[i] == 1)];
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogDegraded(logger, e);
            return [.. userIds.Where(registry.IsOnline)];
        }
    }

    /// <summary>
    /// Renews this node's liveness and sweeps dead nodes; re-registers this node's users when Redis had lost them (a
    /// restart, this node swept after a stall) or a write failed. Returns the changes to announce.
    /// </summary>
    public async Task<IReadOnlyList<(string UserId, bool Online)>> BeatAsync()
    {
        if (_halted)
            return [];
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            PresenceScripts.Beat,
            [redis.Keys.PresenceNodes],
            [redis.NodeId, (long)_settings.PresenceNodeTimeout.TotalMilliseconds, redis.Keys.PresenceUserPrefix,
                redis.Keys.PresenceNodeUsersPrefix, DeadNodesPerSweep]))!;
        var changes = new List<(string, bool)>();
        for (var i = 1; i < result.Length; i++)
            changes.Add(((string)result[i]!, false));
        if ((long)result[0] == 1 || _needsResync)
            changes.AddRange(await ResyncAsync());
        return changes;
    }

    /// <summary>A graceful stop: this node leaves the cluster; returns the users it was the last node of.</summary>
    public async Task<IReadOnlyList<string>> LeaveAsync()
    {
        if (_halted)
            return [];
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            PresenceScripts.Leave,
            [redis.Keys.PresenceNodes, redis.Keys.PresenceNodeUsers(redis.NodeId)],
            [redis.NodeId, redis.Keys.PresenceUserPrefix]))!;
        return [.. result.Select(r => (string)r!)];
    }

    /// <summary>
    /// For tests: this node stops writing presence, as if its process were killed (no heartbeat, no goodbye), while
    /// its sockets stay open. The other nodes take it for dead after the node timeout.
    /// </summary>
    internal void HaltAsIfKilled() => _halted = true;

    private async Task<bool?> SyncAsync(string userId)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(userId) % (uint)_stripes.Length];
        await stripe.WaitAsync();
        try
        {
            var present = registry.IsOnline(userId);
            var change = (long)await redis.Database.ScriptEvaluateAsync(
                PresenceScripts.Sync,
                [redis.Keys.PresenceUser(userId), redis.Keys.PresenceNodeUsers(redis.NodeId)],
                [redis.NodeId, userId, present ? 1 : 0]);
            return change switch { 1 => true, -1 => false, _ => null };
        }
        finally
        {
            stripe.Release();
        }
    }

    // Every user this node holds or Redis thinks it holds, synced concurrently: the client pipelines the calls on
    // its one connection, so this costs about one round trip per batch, not per user.
    private async Task<IReadOnlyList<(string UserId, bool Online)>> ResyncAsync()
    {
        _needsResync = false;
        var recorded = await redis.Database.SetMembersAsync(redis.Keys.PresenceNodeUsers(redis.NodeId));
        var users = registry.Users().Union(recorded.Select(u => (string)u!), StringComparer.Ordinal).ToArray();
        var changes = new List<(string, bool)>();
        foreach (var batch in users.Chunk(1000))
        {
            var synced = await Task.WhenAll(batch.Select(SyncAsync));
            for (var i = 0; i < batch.Length; i++)
            {
                if (synced[i] is { } online)
                    changes.Add((batch[i], online));
            }
        }

        LogResynced(logger, users.Length);
        return changes;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Presence in Redis is unreachable; this node announces and answers presence from its own sockets until it is back")]
    private static partial void LogDegraded(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Re-registered {Count} users of this node in Redis presence")]
    private static partial void LogResynced(ILogger logger, int count);
}
