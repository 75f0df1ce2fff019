using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Http;

internal static class ServerUsersApi
{
    public static void MapServerUsersApi(this RouteGroupBuilder server)
    {
        var users = server.MapGroup("/users").WithTags("Server API: users");
        users.MapPost("/", CreateAsync).RequireScope(ServerScopes.UsersWrite)
            .WithSummary("Create a user, with the app's own id and optionally a password.");
        users.MapGet("/{id}", GetAsync).RequireScope(ServerScopes.UsersRead)
            .WithSummary("A user by id.");
        users.MapGet("/by-external-id/{externalId}", GetByExternalIdAsync).RequireScope(ServerScopes.UsersRead)
            .WithSummary("A user by the app's own id.");
        users.MapPatch("/{id}", UpdateAsync).RequireScope(ServerScopes.UsersWrite)
            .WithSummary("Change a user's display name or external id.");
        users.MapPost("/{id}/disable", DisableAsync).RequireScope(ServerScopes.UsersWrite)
            .WithSummary("Disable a user: every session ends at once, and sign-in and minting are refused (user_disabled).");
        users.MapPost("/{id}/enable", EnableAsync).RequireScope(ServerScopes.UsersWrite)
            .WithSummary("Enable a disabled user again.");
        users.MapPost("/{id}/tokens", MintAsync).RequireScope(ServerScopes.TokensMint)
            .WithSummary("Start a session for the user without a password; the same answer as sign-in.");
        users.MapPost("/{id}/sign-out", SignOutAsync).RequireScope(ServerScopes.SessionsRevoke)
            .WithSummary("End every session of the user; their sockets close.");
    }

    private static async Task<Results<Created<ServerUserDto>, ProblemHttpResult>> CreateAsync(
        ServerCreateUserRequest request, ServerUserService users, CancellationToken cancellationToken)
    {
        var result = await users.CreateAsync(request, cancellationToken);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiRoutes.Base}{ServerApi.Path}/users/{result.Value!.Id}", result.Value)
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<ServerUserDto>, ProblemHttpResult>> GetAsync(string id, ServerUserService users, CancellationToken cancellationToken) =>
        Answer(await users.GetAsync(id, cancellationToken));

    private static async Task<Results<Ok<ServerUserDto>, ProblemHttpResult>> GetByExternalIdAsync(
        string externalId, ServerUserService users, CancellationToken cancellationToken) =>
        Answer(await users.GetByExternalIdAsync(externalId, cancellationToken));

    private static async Task<Results<Ok<ServerUserDto>, ProblemHttpResult>> UpdateAsync(
        string id, ServerUpdateUserRequest request, ServerUserService users, CancellationToken cancellationToken) =>
        Answer(await users.UpdateAsync(id, request, cancellationToken));

    private static async Task<Results<Ok<ServerUserDto>, ProblemHttpResult>> DisableAsync(string id, ServerUserService users, CancellationToken cancellationToken) =>
        Answer(await users.DisableAsync(id, cancellationToken));

    private static async Task<Results<Ok<ServerUserDto>, ProblemHttpResult>> EnableAsync(string id, ServerUserService users, CancellationToken cancellationToken) =>
        Answer(await users.EnableAsync(id, cancellationToken));

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> MintAsync(
        string id, MintTokenRequest? request, ServerUserService users, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await users.MintAsync(id, request ?? new MintTokenRequest(), RateLimiting.AddressOf(context), cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignOutAsync(string id, ServerUserService users, CancellationToken cancellationToken)
    {
        var outcome = await users.SignOutAsync(id, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }

    private static Results<Ok<ServerUserDto>, ProblemHttpResult> Answer(Result<ServerUserDto> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}
