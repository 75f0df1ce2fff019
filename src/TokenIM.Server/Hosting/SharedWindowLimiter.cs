using System.Threading.RateLimiting;

namespace TokenIM.Server.Hosting;

/// <summary>
/// A per-address request policy counted in the cluster's budget (<see cref="SharedRateLimits"/>), with this node's
/// sliding window as the fallback while Redis is unreachable. Its synchronous attempt always declines, so ASP.NET's
/// rate-limiting middleware goes on to the asynchronous acquire (its documented order: attempt, then wait), which
/// asks Redis.
/// </summary>
internal sealed class SharedWindowLimiter(SharedRateLimits shared, string policy, string address, int limit, TimeSpan window, RateLimiter local) : RateLimiter
{
    public override TimeSpan? IdleDuration => local.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var decision = await shared.TryTakeAsync(policy, address, limit, window);
        if (!decision.Shared)
            return await local.AcquireAsync(permitCount, cancellationToken);
        return decision.RetryAfter is { } wait ? new Lease(false, wait) : Lease.Granted;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            local.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease NotYet = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
