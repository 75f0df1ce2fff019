namespace TokenIM.Server.Http;

internal static class ApiRoutes
{
    public const string Base = "/api/v1";

    /// <summary>Maps every REST route group; each resource's routes live in its own <c>XxxApi</c> class.</summary>
    public static WebApplication MapTokenImApi(this WebApplication app)
    {
        var api = app.MapGroup(Base);
        api.MapAuthApi();
        api.MapUsersApi();
        api.MapConversationsApi();
        api.MapMessageChangesApi();
        api.MapSearchApi();
        api.MapSocialApi();
        api.MapAttachmentsApi();
        api.MapDiagnosticsApi();
        api.MapServerApi();
        app.MapJwksApi();
        return app;
    }
}
