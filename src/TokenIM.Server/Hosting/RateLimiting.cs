using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Auth;
using TokenIM.Server.Bus;
using TokenIM.Server.Http;

namespace TokenIM.Server.Hosting;

/// <summary>
/// Request-rate policies, all off with <c>TokenIM:RateLimits:Enabled=false</c>. With Redis each address has one
/// budget across the cluster (<see cref="SharedWindowLimiter"/>), else one per node.
/// </summary>
internal static class RateLimiting
{
    /// <summary>Sign-in and refresh, per client address.</summary>
    public const string Auth = "auth";

    /// <summary>Registration, per client address.</summary>
    public const string Register = "register";

    /// <summary>Server API requests, per API key; the local admin socket is not limited.</summary>
    public const string ServerApi = "server-api";

    public static IServiceCollection AddTokenImRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton(sp => BusServiceCollectionExtensions.IsRedis(sp)
            ? new SharedRateLimits(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<ILogger<SharedRateLimits>>())
            : SharedRateLimits.Local);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TokenImOptions>, IServiceProvider>((limiter, options, sp) =>
        {
            var limits = options.Value.RateLimits;
            var shared = BusServiceCollectionExtensions.IsRedis(sp) ? sp.GetRequiredService<SharedRateLimits>() : null;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellationToken) =>
            {
                TimeSpan? wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                context.HttpContext.RequestServices.GetService<Telemetry.TokenImMetrics>()?.RateLimited(context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "other");
                return new ValueTask(Problems.WriteAsync(context.HttpContext, ErrorCode.RateLimited, "Too many requests; try again later.", wait));
            };
            limiter.AddPolicy(Auth, context => limits.Enabled
                ? Partition(shared, Auth, AddressOf(context), limits.AuthRequestsPerAddressPerMinute, TimeSpan.FromMinutes(1), segments: 6)
                : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.AddPolicy(Register, context => limits.Enabled
                ? Partition(shared, Register, AddressOf(context), limits.RegistrationsPerAddressPerHour, TimeSpan.FromHours(1), segments: 12)
                : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.AddPolicy(ServerApi, context => limits.Enabled && ApiKeyOf(context) is { } key
                ? Partition(shared, ServerApi, key, limits.ServerApiRequestsPerKeyPerMinute, TimeSpan.FromMinutes(1), segments: 6)
                : RateLimitPartition.GetNoLimiter(string.Empty));
        });
        return services;
    }

    // One address's limiter: this node's sliding window, behind the cluster's budget when there is Redis.
    private static RateLimitPartition<string> Partition(SharedRateLimits? shared, string policy, string address, int limit, TimeSpan window, int segments) =>
        RateLimitPartition.Get(address, _ =>
        {
            var local = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = window,
                SegmentsPerWindow = segments,
                QueueLimit = 0,
            });
            return shared is null ? local : new SharedWindowLimiter(shared, policy, address, limit, window, local);
        });

    // The authenticated key's id (authorization ran before the limiter); null for the local socket.
    private static string? ApiKeyOf(HttpContext context) =>
        context.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value is { } key && key != ApiKeyAuthenticationHandler.LocalKeyId ? key : null;

    /// <summary>The client address after the forwarded-headers middleware (which trusts only configured proxies).</summary>
    public static string AddressOf(HttpContext context) => (context.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
}
