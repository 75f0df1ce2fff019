using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Chat;

/// <summary>
/// The per-user send rate: one token bucket per user shared by REST and the socket, so neither path is a way around
/// the other. Off with <c>TokenIM:RateLimits:Enabled=false</c>.
/// </summary>
internal sealed class SendThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public SendThrottle(IOptions<TokenImOptions> options)
    {
        var limits = options.Value.RateLimits;
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
    public TimeSpan? TryAcquire(string userId)
    {
        if (_limiter is null)
            return null;
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter?.Dispose();
}
