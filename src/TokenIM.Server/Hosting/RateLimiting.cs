using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Http;

namespace TokenIM.Server.Hosting;

/// <summary>Request-rate policies, all off with <c>TokenIM:RateLimits:Enabled=false</c>.</summary>
internal static class RateLimiting
{
    /// <summary>Sign-in and refresh, per client address.</summary>
    public const string Auth = "auth";

    /// <summary>Registration, per client address.</summary>
    public const string Register = "register";

    public static IServiceCollection AddTokenImRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TokenImOptions>>((limiter, options) =>
        {
            var limits = options.Value.RateLimits;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellationToken) =>
            {
                TimeSpan? wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                return new ValueTask(Problems.WriteAsync(context.HttpContext, ErrorCode.RateLimited, "Too many requests; try again later.", wait));
            };
            limiter.AddPolicy(Auth, context => limits.Enabled
                ? RateLimitPartition.GetSlidingWindowLimiter(AddressOf(context), _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = limits.AuthRequestsPerAddressPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    SegmentsPerWindow = 6,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.AddPolicy(Register, context => limits.Enabled
                ? RateLimitPartition.GetSlidingWindowLimiter(AddressOf(context), _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = limits.RegistrationsPerAddressPerHour,
                    Window = TimeSpan.FromHours(1),
                    SegmentsPerWindow = 12,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(string.Empty));
        });
        return services;
    }

    /// <summary>The client address after the forwarded-headers middleware (which trusts only configured proxies).</summary>
    public static string AddressOf(HttpContext context) => (context.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
}
