using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.Server.Http;

internal static class ServerSigningKeysApi
{
    public static void MapServerSigningKeysApi(this RouteGroupBuilder server)
    {
        var keys = server.MapGroup("/signing-keys").WithTags("Server API: signing keys");
        keys.MapGet("/", List).RequireScope(ServerScopes.SigningKeysManage)
            .WithSummary("The keys that sign and verify access tokens, oldest first, without private material.");
        keys.MapPost("/rotate", RotateAsync).RequireScope(ServerScopes.SigningKeysManage)
            .WithSummary("Make a new signing key: every node signs with it from now on; the older keys stay in the JWKS until the tokens they signed have expired, so nobody is signed out. Refused (too_many_signing_keys) while 10 keys are published.");
    }

    private static Ok<SigningKeyList> List(SigningKeyRotation rotation) => TypedResults.Ok(rotation.List());

    private static async Task<Results<Ok<SigningKeyList>, ProblemHttpResult>> RotateAsync(SigningKeyRotation rotation, CancellationToken cancellationToken)
    {
        var result = await rotation.RotateAsync(cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }
}
