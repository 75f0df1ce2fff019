using StackExchange.Redis;

namespace TokenIM.Server.Bus;

/// <summary>
/// Every Redis channel and key name TokenIM uses, in one place (operators grep here; tests share them). Each starts
/// with <c>TokenIM:Bus:KeyPrefix</c> (<c>tokenim</c> by default), so two clusters can share one Redis. The scripts
/// touch several keys each, so the names assume one Redis (or a primary with replicas), not Redis Cluster.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>
    /// Every node publishes its events here and every node hears all of them, delivering to the sockets it holds. One
    /// channel costs each node a decode of every event; routing by the presence registry replaces it when node counts
    /// grow (docs/architecture.md, "Scale-out").
    /// </summary>
    public RedisChannel Events { get; } = RedisChannel.Literal($"{prefix}:events");

    /// <summary>Sorted set: node id → the moment (Redis server time, Unix ms) after which the node counts as dead.</summary>
    public RedisKey PresenceNodes { get; } = $"{prefix}:presence:nodes";

    /// <summary>Start of <see cref="PresenceUser"/>: the sweep script appends a user id to it.</summary>
    public string PresenceUserPrefix { get; } = $"{prefix}:presence:user:";

    /// <summary>Start of <see cref="PresenceNodeUsers"/>: the sweep script appends a dead node's id to it.</summary>
    public string PresenceNodeUsersPrefix { get; } = $"{prefix}:presence:node:";

    /// <summary>Set: the nodes where the user has at least one socket. The user is online while it exists.</summary>
    public RedisKey PresenceUser(string userId) => PresenceUserPrefix + userId;

    /// <summary>Set: the users with at least one socket on the node, for the sweep when the node dies.</summary>
    public RedisKey PresenceNodeUsers(string nodeId) => PresenceNodeUsersPrefix + nodeId;

    /// <summary>Set: the nodes that publish live statistics (<c>Stats/ClusterStats</c>); members whose figures expired are removed by readers.</summary>
    public RedisKey StatsNodes { get; } = $"{prefix}:stats:nodes";

    /// <summary>String: one node's live statistics as JSON, expiring a few seconds after its last sample.</summary>
    public RedisKey StatsNode(string nodeId) => $"{prefix}:stats:node:{nodeId}";

    /// <summary>
    /// One rate-limit budget (a GCRA cell: the theoretical arrival time of the next permit): <paramref name="policy"/>
    /// (<c>send</c>, <c>login</c>, <c>auth</c>, <c>register</c>) and whose budget it is (a user id, an account name or
    /// a client address). Expires when the budget is full again.
    /// </summary>
    public RedisKey Rate(string policy, string id) => $"{prefix}:rate:{policy}:{id}";
}
