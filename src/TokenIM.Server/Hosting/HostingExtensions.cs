using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Bus;
using TokenIM.Server.Chat;
using TokenIM.Server.Http;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Hosting;

internal static class HostingExtensions
{
    /// <summary>JSON bodies are limited to 64 KiB (protocol).</summary>
    public const long MaxJsonBodyBytes = 64 * 1024;

    /// <summary>Options, JSON, limits, error shape, OpenAPI and rate limits: everything around the stages.</summary>
    public static WebApplicationBuilder AddTokenImHosting(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, TokenImOptions.SwitchMappings);
        builder.AddTokenImLogging();
        var services = builder.Services;
        services.AddOptions<TokenImOptions>().BindConfiguration(TokenImOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenImOptions>, TokenImOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
        });
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ProtocolJsonContext.Default);
            // The context's own settings stay with its own options: repeat them here, or nulls are written and
            // timestamps come out as "+00:00" instead of the protocol's "Z".
            json.SerializerOptions.DefaultIgnoreCondition = ProtocolJsonContext.Default.Options.DefaultIgnoreCondition;
            json.SerializerOptions.NumberHandling = ProtocolJsonContext.Default.Options.NumberHandling;
            // As on the socket (ProtocolJsonContext.Wire): text outside ASCII as UTF-8, not \uXXXX.
            json.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            json.SerializerOptions.Converters.Add(new UtcTimestampConverter());
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // No traceId: two refusals that must not be told apart (unknown user, wrong password) have equal bodies.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("traceId");
            // A rate-limited answer also carries the standard header, in whole seconds rounded up.
            if (context.ProblemDetails.Extensions.TryGetValue("retryAfterMs", out var wait) && wait is long ms)
                context.HttpContext.Response.Headers.RetryAfter = ((ms + 999) / 1000).ToString(CultureInfo.InvariantCulture);
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "TokenIM REST API";
            document.Info.Version = "v1";
            return Task.CompletedTask;
        }));
        services.AddTokenImRateLimiting();
        services.AddTokenImHealth();
        services.AddTokenImLocalSocket();
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<TokenImOptions>>((kestrel, options) =>
        {
            // Slow and oversized requests must not hold connections: a client that trickles its headers or body, or
            // opens connections and sends nothing, is cut off on these clocks (Security/ExhaustionTests).
            var network = options.Value.Network;
            kestrel.Limits.RequestHeadersTimeout = network.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = network.KeepAliveTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(network.MinRequestBodyBytesPerSecond, network.RequestBodyGracePeriod);
            kestrel.Limits.MaxRequestHeadersTotalSize = network.MaxRequestHeadersBytes;
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TokenImOptions>>((forwarded, options) =>
        {
            // No configured proxy means no forwarded header is believed at all. Not just empty lists: the middleware
            // checks the sender against KnownProxies/KnownIPNetworks only when one of them has an entry, so with both
            // cleared it believed every peer's X-Forwarded-For (SignInProbingTests caught it).
            forwarded.ForwardedHeaders = options.Value.Network.TrustedProxies.Length == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies are believed; by default X-Forwarded-For is ignored entirely.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in options.Value.Network.TrustedProxies)
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        });
        return builder;
    }

    /// <summary>The middleware, in order: forwarded headers, errors, security headers, authentication, rate limits.</summary>
    public static WebApplication UseTokenImPipeline(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<TokenImOptions>>().Value.RateLimits.Enabled)
            HostingLog.RateLimitsDisabled(app.Logger);
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseMiddleware<BodySizeLimit>();
        app.UseStatusCodePages(async context =>
        {
            // Answers the framework produces without a body (no route, wrong method) get a problem body too.
            var http = context.HttpContext;
            var code = BodySizeLimit.BodyTimedOut(http) ? ErrorCode.RequestTimeout : http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ErrorCode.NotFound,
                StatusCodes.Status405MethodNotAllowed => ErrorCode.MethodNotAllowed,
                StatusCodes.Status413PayloadTooLarge => ErrorCode.RequestTooLarge,
                StatusCodes.Status415UnsupportedMediaType => ErrorCode.MalformedRequest,
                >= 500 => ErrorCode.InternalError,
                _ => ErrorCode.MalformedRequest,
            };
            http.Response.StatusCode = code.Status == StatusCodes.Status400BadRequest ? http.Response.StatusCode : code.Status;
            await Problems.WriteAsync(http, code);
        });
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            await next(context);
        });
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}

/// <summary>Turns exceptions into Problem Details: bad request bodies into 400/413, anything else into a bare 500.</summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            // A body cut off by the minimum data rate is Kestrel's 408, not a malformed body (ExhaustionTests caught it as 400).
            var (code, detail) = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (ErrorCode.RequestTooLarge, "JSON bodies are limited to 64 KiB."),
                StatusCodes.Status408RequestTimeout => (ErrorCode.RequestTimeout, "The request body arrived too slowly."),
                _ => (ErrorCode.MalformedRequest, "The request could not be read: the body must be a JSON object with the documented fields, and query values of the documented types."),
            };
            // The rest of an over-long or cut-off body is never read, so the connection ends after this answer: say
            // so, or a client reuses it and its next request fails without an answer.
            if (code == ErrorCode.RequestTooLarge || code == ErrorCode.RequestTimeout)
                httpContext.Response.Headers.Connection = "close";
            await Problems.WriteAsync(httpContext, code, detail);
            return true;
        }

        if (StoreUnavailableException.IsUnreachable(exception))
        {
            // A shard (or the directory) is down: the request fails cleanly and other conversations keep working.
            LogStoreUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            var failure = ChatFailures.StoreUnavailable;
            await Problems.WriteAsync(httpContext, failure.Code, failure.Detail, failure.RetryAfter);
            return true;
        }

        // Nothing of the exception reaches the client: no message, stack trace, SQL or token.
        LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        await Problems.WriteAsync(httpContext, ErrorCode.InternalError);
        return true;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Store unreachable on {Method} {Path}: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}

internal sealed class TokenImOptionsValidator : IValidateOptions<TokenImOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenImOptions options)
    {
        var failures = new List<string>();
        // Data annotations of every nested section, found by walking the options (ValidateDataAnnotations checks only
        // the top level), so a section added to TokenImOptions is validated without editing this.
        foreach (var (path, section) in SettingTree.Sections(options).Skip(1))
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
                failures.AddRange(results.Select(r => $"{path}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}"));
        }

        foreach (var proxy in options.Network.TrustedProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
                failures.Add($"TokenIM:Network:TrustedProxies: '{proxy}' is not an IP address.");
        }

        if (BusServiceCollectionExtensions.IsRedis(options) && string.IsNullOrWhiteSpace(options.Bus.RedisConfiguration))
            failures.Add("TokenIM:Bus:RedisConfiguration is required when TokenIM:Bus:Provider is Redis.");
        if (options.Storage.Provider == "Postgres")
        {
            if (string.IsNullOrWhiteSpace(options.Storage.Postgres.Directory))
                failures.Add("TokenIM:Storage:Postgres:Directory is required when TokenIM:Storage:Provider is Postgres.");
            if (options.Storage.Postgres.Shards.Length == 0 || options.Storage.Postgres.Shards.Any(string.IsNullOrWhiteSpace))
                failures.Add("TokenIM:Storage:Postgres:Shards needs at least one connection string, and none empty, when TokenIM:Storage:Provider is Postgres.");
        }

        failures.AddRange(options.Hooks.BeforeSend.Problems());
        // sun_path holds 108 bytes with its terminating zero.
        if (LocalAdminSocket.PathOf(options) is { } socket && System.Text.Encoding.UTF8.GetByteCount(socket) > 107)
            failures.Add($"TokenIM:Admin:LocalSocket: the Unix socket path '{socket}' is longer than 107 bytes; set a shorter one, or empty to turn it off.");
        if (options.Tokens.SessionIdleLifetime > options.Tokens.SessionLifetime)
            failures.Add("TokenIM:Tokens:SessionIdleLifetime must not exceed TokenIM:Tokens:SessionLifetime.");
        if (options.Webhooks.RetryCap < options.Webhooks.RetryBase)
            failures.Add("TokenIM:Webhooks:RetryCap must not be less than TokenIM:Webhooks:RetryBase.");
        if (options.Bus.PresenceNodeTimeout < options.Bus.PresenceHeartbeat * 2)
            failures.Add("TokenIM:Bus:PresenceNodeTimeout must be at least twice TokenIM:Bus:PresenceHeartbeat.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Request-rate limits are off (TokenIM:RateLimits:Enabled=false): use this only for load tests on a closed network")]
    public static partial void RateLimitsDisabled(ILogger logger);
}
