using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.Server.Http;

internal static class ServerApiKeysApi
{
    public static void MapServerApiKeysApi(this RouteGroupBuilder server)
    {
        var keys = server.MapGroup("/api-keys").WithTags("Server API: keys");
        keys.MapPost("/", CreateAsync).RequireScope(ServerScopes.ApiKeysManage)
            .WithSummary("Create an API key; its token is in this answer only.");
        keys.MapGet("/", ListAsync).RequireScope(ServerScopes.ApiKeysManage)
            .WithSummary("Every API key, without secrets.");
        keys.MapDelete("/{id}", RevokeAsync).RequireScope(ServerScopes.ApiKeysManage)
            .WithSummary("Revoke an API key; it is refused from the next request on.");
    }

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var result = await keys.CreateAsync(request, cancellationToken);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiRoutes.Base}{ServerApi.Path}/api-keys/{result.Value!.Key.Id}", result.Value)
            : result.Error!.ToProblem();
    }

    private static async Task<Ok<ApiKeyList>> ListAsync(ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(await keys.ListAsync(cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var outcome = await keys.RevokeAsync(id, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }
}
