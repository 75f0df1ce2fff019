using StackExchange.Redis;
using TokenIM.Server.Bus;

namespace TokenIM.Server.Hosting;

/// <summary>What the cluster's budget said: <see cref="Shared"/> false means "decide with this node's own counters".</summary>
internal readonly record struct RateDecision(bool Shared, TimeSpan? RetryAfter)
{
    public static RateDecision Local => default;
}

/// <summary>
/// Rate-limit budgets counted in Redis, so N nodes behind a balancer give a client one budget, not N. Each budget
/// is a GCRA cell (one key holding the theoretical arrival time of the next permit, by Redis's clock): exactly a
/// token bucket of <c>limit</c> permits refilled evenly over <c>window</c>, in one atomic script and one round trip.
/// On one node, or while Redis is unreachable, every answer is <see cref="RateDecision.Local"/>: the caller falls
/// back to its in-memory counters (fail open to local limits, never to none).
/// </summary>
internal sealed partial class SharedRateLimits
{
    // KEYS: the budget. ARGV: microseconds per permit, permits in a full bucket, 1 to take a permit (0 to look).
    // Returns 0 when a permit is (or would be) granted, else the microseconds until one is.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(ARGV[1])
        local tolerance = interval * tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local next = tat + interval
        if next - now > tolerance then return math.max(1, next - now - tolerance) end
        if ARGV[3] == '1' then redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000)) end
        return 0
        """;

    private readonly RedisConnection? _redis;
    private readonly ILogger<SharedRateLimits>? _logger;
    private volatile bool _failing;

    public SharedRateLimits(RedisConnection redis, ILogger<SharedRateLimits> logger)
    {
        _redis = redis;
        _logger = logger;
    }

    private SharedRateLimits()
    {
    }

    /// <summary>No shared budgets: every answer is local (one node, and unit tests).</summary>
    public static SharedRateLimits Local { get; } = new();

    /// <summary>
    /// Takes (or with <paramref name="take"/> false, only asks for) one permit of the budget of
    /// <paramref name="policy"/> for <paramref name="id"/>: <paramref name="limit"/> permits per
    /// <paramref name="window"/>, as a bucket of <paramref name="limit"/> refilled evenly.
    /// </summary>
    public async ValueTask<RateDecision> TryTakeAsync(string policy, string id, int limit, TimeSpan window, bool take = true)
    {
        if (_redis is null)
            return RateDecision.Local;
        try
        {
            var wait = (long)await _redis.Database.ScriptEvaluateAsync(
                Script, [_redis.Keys.Rate(policy, id)], [(long)(window.TotalMicroseconds / limit), limit, take ? 1 : 0]);
            _failing = false;
            return new RateDecision(true, wait == 0 ? null : TimeSpan.FromMicroseconds(wait));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Logged once per outage: every request would log it otherwise.
            if (!_failing)
                LogFallback(_logger!, e);
            _failing = true;
            return RateDecision.Local;
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Rate-limit counters in Redis are unreachable; each node counts on its own until Redis is back")]
    private static partial void LogFallback(ILogger logger, Exception exception);
}
