using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.Server.Http;

/// <summary>Finding users and one user's sessions: the operator's view (<c>tokenim admin users find</c>, <c>tokenim admin sessions</c>).</summary>
internal static class ServerSessionsApi
{
    public static void MapServerSessionsApi(this RouteGroupBuilder server)
    {
        var users = server.MapGroup("/users").WithTags("Server API: users");
        users.MapGet("/", FindAsync).RequireScope(ServerScopes.UsersRead)
            .WithSummary("Find users by username prefix, display name or external id (all users without a query), by username, a page at a time; disabled users and bots are marked.");
        users.MapGet("/{id}/sessions", SessionsAsync).RequireScope(ServerScopes.UsersRead)
            .WithSummary("The user's active sessions, newest first: device name, created, last used and address.");
        users.MapDelete("/{id}/sessions/{sessionId}", RevokeAsync).RequireScope(ServerScopes.SessionsRevoke)
            .WithSummary("End one session of the user at once on every node: its sockets close with 4001 and its refresh token is refused.");
    }

    private static async Task<Results<Ok<ServerUserPage>, ProblemHttpResult>> FindAsync(
        string? query, int? limit, string? cursor, ServerUserDirectory directory, CancellationToken cancellationToken)
    {
        var result = await directory.FindAsync(query, limit, cursor, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<SessionList>, ProblemHttpResult>> SessionsAsync(string id, ServerUserDirectory directory, CancellationToken cancellationToken)
    {
        var result = await directory.SessionsAsync(id, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, string sessionId, ServerUserDirectory directory, CancellationToken cancellationToken)
    {
        var outcome = await directory.RevokeSessionAsync(id, sessionId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }
}
