using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Chat;

/// <summary>
/// The per-user send rate: one token bucket per user shared by REST and the socket, so neither path is a way around
/// the other. With Redis the bucket is the cluster's (<see cref="SharedRateLimits"/>: the same size and refill), so
/// sends through several nodes draw on one budget; this node's own bucket decides only while Redis is unreachable.
/// Off with <c>TokenIM:RateLimits:Enabled=false</c>.
/// </summary>
internal sealed class SendThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly SharedRateLimits _shared;
    private readonly int _burst;

    private readonly Telemetry.TokenImMetrics? _metrics;

    public SendThrottle(IOptions<TokenImOptions> options, SharedRateLimits shared, Telemetry.TokenImMetrics? metrics = null)
    {
        _shared = shared;
        _metrics = metrics;
        var limits = options.Value.RateLimits;
        _burst = limits.MessagesPerUserPerSecond * 2;
        if (!limits.Enabled)
            return;
        _limiter = PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.MessagesPerUserPerSecond * 2,
            TokensPerPeriod = limits.MessagesPerUserPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes one send from the user's bucket; null when allowed, else how long to wait.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string userId)
    {
        if (_limiter is null)
            return null;
        // A bucket of twice the rate, refilled over two seconds: the rate per second, bursts of twice that.
        var shared = await _shared.TryTakeAsync("send", userId, _burst, TimeSpan.FromSeconds(2));
        if (shared.Shared)
            return Refused(shared.RetryAfter);
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
            return null;
        return Refused(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1));
    }

    private TimeSpan? Refused(TimeSpan? wait)
    {
        if (wait is not null)
            _metrics?.RateLimited("send");
        return wait;
    }

    public void Dispose() => _limiter?.Dispose();
}
