using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;

namespace TokenIM.Server.Http;

/// <summary>
/// Conversations, members and messages through the server API: the app acts for a user or bot named in the body,
/// with the user API's rules; an unknown conversation is 404 <c>conversation_not_found</c>.
/// </summary>
internal static class ServerConversationsApi
{
    public static void MapServerConversationsApi(this RouteGroupBuilder server)
    {
        var conversations = server.MapGroup("/conversations").WithTags("Server API: conversations");
        conversations.MapPost("/", CreateAsync).RequireScope(ServerScopes.ConversationsWrite)
            .WithSummary("Create a group or a direct conversation as creatorId (200 with a direct pair's existing one); members hear of it live.");
        conversations.MapGet("/{id}", GetAsync).RequireScope(ServerScopes.ConversationsRead)
            .WithSummary("A conversation with every member and role.");
        conversations.MapPost("/{id}/members", AddMembersAsync).RequireScope(ServerScopes.ConversationsWrite)
            .WithSummary("Add users to a group: as actorId (whose role must allow it) or, without one, as the app, unbound by roles.");
        conversations.MapDelete("/{id}/members/{userId}", RemoveMemberAsync).RequireScope(ServerScopes.ConversationsWrite)
            .WithSummary("Remove a member of a group, whatever its role; an owner's leaving passes ownership on.");
        conversations.MapPost("/{id}/messages", SendAsync).RequireScope(ServerScopes.MessagesWrite)
            .WithSummary("Send as senderId, a member (user or bot) (201); a repeated clientMsgId returns the original (200).");
        conversations.MapGet("/{id}/messages", GetMessagesAsync).RequireScope(ServerScopes.ConversationsRead)
            .WithSummary("A page of history, ascending by seq, paged as in the user API.");
    }

    private static async Task<Results<Created<ServerConversationDto>, Ok<ServerConversationDto>, ProblemHttpResult>> CreateAsync(
        ServerCreateConversationRequest request, ServerConversationService service, CancellationToken cancellationToken)
    {
        var result = await service.CreateAsync(request, cancellationToken);
        if (!result.IsSuccess)
            return result.Error!.ToProblem();
        var (conversation, created) = result.Value;
        return created ? TypedResults.Created(Location(conversation.Id), conversation) : TypedResults.Ok(conversation);
    }

    private static async Task<Results<Ok<ServerConversationDto>, ProblemHttpResult>> GetAsync(
        string id, ServerConversationService service, CancellationToken cancellationToken) =>
        Answer(await service.GetAsync(id, cancellationToken));

    private static async Task<Results<Ok<ServerConversationDto>, ProblemHttpResult>> AddMembersAsync(
        string id, ServerAddMembersRequest request, ServerConversationService service, CancellationToken cancellationToken) =>
        Answer(await service.AddMembersAsync(id, request, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        string id, string userId, ServerConversationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.RemoveMemberAsync(id, userId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }

    private static async Task<Results<Created<MessageDto>, Ok<MessageDto>, ProblemHttpResult>> SendAsync(
        string id, ServerSendMessageRequest request, ServerConversationService service, CancellationToken cancellationToken)
    {
        var result = await service.SendAsync(id, request, cancellationToken);
        if (!result.IsSuccess)
            return result.Error!.ToProblem();
        var (message, created) = result.Value;
        return created
            ? TypedResults.Created($"{Location(id)}/messages?afterSeq={message.Seq - 1}&limit=1", message)
            : TypedResults.Ok(message);
    }

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> GetMessagesAsync(
        string id, long? afterSeq, long? beforeSeq, int? limit, ServerConversationService service, CancellationToken cancellationToken) =>
        Answer(await service.GetMessagesAsync(id, afterSeq, beforeSeq, limit, cancellationToken));

    private static string Location(string conversationId) => $"{ApiRoutes.Base}{ServerApi.Path}/conversations/{conversationId}";

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}
