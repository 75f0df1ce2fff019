namespace TokenIM.Server.Presence;

/// <summary>
/// The Lua scripts of the Redis presence registry. Each runs atomically in Redis, so a user's transition is seen by
/// exactly one caller however many nodes race: the one whose removal emptied the user's node set (or whose addition
/// made it one). Key names come in from <see cref="Bus.RedisKeys"/>; times are Redis's own clock, so the nodes' clocks
/// need not agree.
/// </summary>
internal static class PresenceScripts
{
    /// <summary>
    /// Makes Redis agree with this node about one user. KEYS: the user's node set, this node's user set. ARGV: node
    /// id, user id, 1 if the user has a socket here now, else 0. Returns 1 (the user is now online somewhere and was
    /// not), -1 (now offline everywhere), 0 (no change for the cluster).
    /// </summary>
    public const string Sync = """
        if ARGV[3] == '1' then
          redis.call('SADD', KEYS[2], ARGV[2])
          if redis.call('SADD', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 1 then return 1 end
          return 0
        end
        redis.call('SREM', KEYS[2], ARGV[2])
        if redis.call('SREM', KEYS[1], ARGV[1]) == 1 and redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        return 0
        """;

    /// <summary>
    /// The heartbeat and the sweep in one round trip. KEYS: the node liveness set. ARGV: node id, node timeout (ms),
    /// user key prefix, node-users key prefix, most dead nodes to sweep per call. Renews this node's deadline, then
    /// takes every node past its deadline out of the liveness set and out of its users' node sets. Returns
    /// [1 if this node was not in the liveness set (first beat, Redis lost its data, or this node was swept), then
    /// the users whose last node was a swept one].
    /// </summary>
    public const string Beat = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local result = { redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) }
        for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))) do
          redis.call('ZREM', KEYS[1], node)
          local nodeUsers = ARGV[4] .. node
          for _, user in ipairs(redis.call('SMEMBERS', nodeUsers)) do
            local userKey = ARGV[3] .. user
            if redis.call('SREM', userKey, node) == 1 and redis.call('EXISTS', userKey) == 0 then
              result[#result + 1] = user
            end
          end
          redis.call('DEL', nodeUsers)
        end
        return result
        """;

    /// <summary>
    /// A graceful stop: this node leaves. KEYS: the node liveness set, this node's user set. ARGV: node id, user key
    /// prefix. Returns the users whose last node this was (sockets that had not finished closing).
    /// </summary>
    public const string Leave = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        local result = {}
        for _, user in ipairs(redis.call('SMEMBERS', KEYS[2])) do
          local userKey = ARGV[2] .. user
          if redis.call('SREM', userKey, ARGV[1]) == 1 and redis.call('EXISTS', userKey) == 0 then
            result[#result + 1] = user
          end
        end
        redis.call('DEL', KEYS[2])
        return result
        """;

    /// <summary>KEYS: user node sets. Returns 1 or 0 for each: whether the user is online anywhere.</summary>
    public const string Online = """
        local result = {}
        for i, key in ipairs(KEYS) do result[i] = redis.call('EXISTS', key) end
        return result
        """;
}
