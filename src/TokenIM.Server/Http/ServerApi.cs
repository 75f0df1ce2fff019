using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Http;

/// <summary>
/// The server API (<c>/api/v1/server/…</c>): for an app's backend, authenticated by API keys (and for the admin
/// console by an admin's access token, with a fixed scope set: <see cref="ConsoleCallers"/>), each route needing
/// exactly one scope.
/// </summary>
internal static class ServerApi
{
    public const string Path = "/server";

    public static void MapServerApi(this RouteGroupBuilder api)
    {
        var server = api.MapGroup(Path)
            .RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName)
            .RequireRateLimiting(RateLimiting.ServerApi)
            .WithConsoleAudit();
        server.MapServerUsersApi();
        server.MapServerApiKeysApi();
        server.MapServerWebhooksApi();
        server.MapServerConversationsApi();
        server.MapServerSigningKeysApi();
        server.MapServerSessionsApi();
        server.MapServerStatsApi();
        server.MapServerConsoleApi();
    }

    /// <summary>
    /// Requires <paramref name="scope"/> of the caller's key; without it the answer is <c>403 insufficient_scope</c>
    /// naming it. An authorization policy, not a filter, so it is decided before the body is read: a key without the
    /// scope learns nothing about what the route would accept.
    /// </summary>
    public static RouteHandlerBuilder RequireScope(this RouteHandlerBuilder route, string scope) => route
        .WithMetadata(new RequiredScope(scope))
        .WithDescription($"Needs an API key with the scope `{scope}`.")
        .RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope));
}
