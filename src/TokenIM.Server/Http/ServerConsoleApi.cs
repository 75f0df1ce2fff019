using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Http;

/// <summary>
/// What the admin console needs beyond the rest of the server API: the admin role itself, and finding conversations
/// without knowing their id. Usable with an API key as well (the role is granted with <c>users:write</c>).
/// </summary>
internal static class ServerConsoleApi
{
    public static void MapServerConsoleApi(this RouteGroupBuilder server)
    {
        server.MapPut("/users/{id}/admin", SetAdminAsync).RequireScope(ServerScopes.UsersWrite)
            .WithTags("Server API: users")
            .WithSummary("Give (admin: true) or take (false) the admin role: the user's own token then opens the admin console's scopes.");
        server.MapGet("/conversations", FindConversationsAsync).RequireScope(ServerScopes.ConversationsRead)
            .WithTags("Server API: conversations")
            .WithSummary("Find conversations by exact id or by a part of the title, newest activity first; all when query is empty.");
    }

    private static async Task<Results<Ok<ServerUserDto>, ProblemHttpResult>> SetAdminAsync(
        string id, SetAdminRequest request, ServerUserService users, CancellationToken cancellationToken)
    {
        var result = await users.SetAdminAsync(id, request, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<ServerConversationList>, ProblemHttpResult>> FindConversationsAsync(
        string? query, int? limit, ConversationFinder finder, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        query = FindRules.Check(query, limit, errors);
        if (errors.Count > 0)
            return Failure.Validation(errors).ToProblem();

        var found = await finder.FindAsync(query, limit ?? FindRules.DefaultLimit, cancellationToken);
        return TypedResults.Ok(new ServerConversationList([.. found.Select(f => new ServerConversationSummaryDto(
            f.Conversation.Id, f.Conversation.Type, f.Conversation.Title, f.MemberCount, f.Conversation.LastSeq,
            ChatMapping.Time(f.Conversation.CreatedAt), ChatMapping.Time(f.Conversation.UpdatedAt)))]));
    }
}
