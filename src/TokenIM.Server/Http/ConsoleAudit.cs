using TokenIM.Server.Auth;

namespace TokenIM.Server.Http;

/// <summary>
/// The audit trail of the admin console: every change an admin makes through the server API (every method but GET)
/// is logged with who, which route, its ids and the answer's status. Ids only, never bodies: a body may hold a
/// display name or a webhook URL with a secret in it. API keys are not logged here (their creation and revocation are).
/// </summary>
internal static partial class ConsoleAudit
{
    public static RouteGroupBuilder WithConsoleAudit(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var result = await next(context);
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleAudit));
            if (!HttpMethods.IsGet(http.Request.Method) && http.User.FindFirst(CurrentUser.UserIdClaim)?.Value is { } adminId
                && logger.IsEnabled(LogLevel.Information))
            {
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? string.Empty;
                var ids = string.Join(' ', http.Request.RouteValues.Select(v => $"{v.Key}={v.Value}"));
                var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
                Log(logger, adminId, http.Request.Method, route, ids, status);
            }

            return result;
        });
        return group;
    }

    [LoggerMessage(EventId = 1471, Level = LogLevel.Information,
        Message = "Admin {UserId} called {Method} {Route} ({RouteValues}): {StatusCode}")]
    private static partial void Log(ILogger logger, string userId, string method, string route, string routeValues, int statusCode);
}
