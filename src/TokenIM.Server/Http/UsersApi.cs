using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.Server.Http;

internal static class UsersApi
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization();
        users.MapGet("/me", GetMeAsync).WithSummary("The caller, with isAdmin when they have the admin role.");
        users.MapPatch("/me", UpdateMeAsync).WithSummary("Change the caller's display name.");
        users.MapGet("/{id}", GetAsync).WithSummary("A user by id.");
        users.MapGet("/", SearchAsync).WithSummary("Users whose username starts with the query.");
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetMeAsync(ClaimsPrincipal user, AccountService accounts, CancellationToken cancellationToken) =>
        Answer(await accounts.GetMeAsync(user.GetUserId(), cancellationToken));

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> UpdateMeAsync(
        UpdateProfileRequest request, ClaimsPrincipal user, AccountService accounts, CancellationToken cancellationToken) =>
        Answer(await accounts.UpdateProfileAsync(user.GetUserId(), request, cancellationToken));

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(string id, AccountService accounts, CancellationToken cancellationToken) =>
        Answer(await accounts.GetUserAsync(id, cancellationToken));

    private static async Task<Results<Ok<UserList>, ProblemHttpResult>> SearchAsync(
        string? query, int? limit, AccountService accounts, CancellationToken cancellationToken)
    {
        var result = await accounts.SearchAsync(query, limit, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(new UserList(result.Value!)) : result.Error!.ToProblem();
    }

    private static Results<Ok<UserDto>, ProblemHttpResult> Answer(Result<UserDto> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}
