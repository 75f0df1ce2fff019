using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;

namespace TokenIM.Server.Http;

/// <summary>
/// Conversations, members, messages and read markers. Every route answers a conversation the caller is not a
/// member of exactly like an unknown one: 404 <c>conversation_not_found</c>.
/// </summary>
internal static class ConversationsApi
{
    public static RouteGroupBuilder MapConversationsApi(this RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapPost("/", CreateAsync)
            .WithSummary("Create a group, or a direct conversation (200 with the pair's existing one).");
        conversations.MapGet("/", ListAsync).WithSummary("The caller's conversations, most recently active first.");
        conversations.MapGet("/{id}", GetAsync).WithSummary("One conversation.");
        conversations.MapPatch("/{id}", RenameAsync).WithSummary("Rename a group (owners and admins).");
        conversations.MapGet("/{id}/members", GetMembersAsync).WithSummary("The members, in joining order.");
        conversations.MapPost("/{id}/members", AddMembersAsync).WithSummary("Add users to a group (owners and admins).");
        conversations.MapDelete("/{id}/members/{userId}", RemoveMemberAsync)
            .WithSummary("Remove a member, or leave (your own user id).");
        conversations.MapPatch("/{id}/members/{userId}", SetRoleAsync).WithSummary("Change a member's role (owner only).");
        conversations.MapGet("/{id}/messages", GetMessagesAsync).WithSummary("A page of history, ascending by seq.");
        conversations.MapPost("/{id}/messages", SendAsync)
            .WithSummary("Send a message (201); a repeated clientMsgId returns the original (200).");
        conversations.MapPost("/{id}/read", MarkReadAsync).WithSummary("Move the caller's read marker forward.");
        return conversations;
    }

    private static async Task<Results<Created<ConversationDto>, Ok<ConversationDto>, ProblemHttpResult>> CreateAsync(
        CreateConversationRequest request, ClaimsPrincipal user, ConversationService conversations, CancellationToken cancellationToken)
    {
        var result = await conversations.CreateAsync(user.GetUserId(), request, cancellationToken);
        if (!result.IsSuccess)
            return result.Error!.ToProblem();
        var (conversation, created) = result.Value;
        return created ? TypedResults.Created(Location(conversation.Id), conversation) : TypedResults.Ok(conversation);
    }

    private static async Task<Ok<ConversationList>> ListAsync(ClaimsPrincipal user, ConversationService conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.ListAsync(user.GetUserId(), cancellationToken));

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, ConversationService conversations, CancellationToken cancellationToken) =>
        Answer(await conversations.GetAsync(user.GetUserId(), id, cancellationToken));

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> RenameAsync(
        string id, UpdateConversationRequest request, ClaimsPrincipal user, ConversationService conversations, CancellationToken cancellationToken) =>
        Answer(await conversations.RenameAsync(user.GetUserId(), id, request, cancellationToken));

    private static async Task<Results<Ok<MemberList>, ProblemHttpResult>> GetMembersAsync(
        string id, ClaimsPrincipal user, MembershipService membership, CancellationToken cancellationToken) =>
        Answer(await membership.GetMembersAsync(user.GetUserId(), id, cancellationToken));

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> AddMembersAsync(
        string id, AddMembersRequest request, ClaimsPrincipal user, MembershipService membership, CancellationToken cancellationToken) =>
        Answer(await membership.AddMembersAsync(user.GetUserId(), id, request, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        string id, string userId, ClaimsPrincipal user, MembershipService membership, CancellationToken cancellationToken) =>
        Answer(await membership.RemoveMemberAsync(user.GetUserId(), id, userId, cancellationToken));

    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult>> SetRoleAsync(
        string id, string userId, UpdateMemberRequest request, ClaimsPrincipal user, MembershipService membership, CancellationToken cancellationToken) =>
        Answer(await membership.SetRoleAsync(user.GetUserId(), id, userId, request, cancellationToken));

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> GetMessagesAsync(
        string id, long? afterSeq, long? beforeSeq, int? limit, ClaimsPrincipal user, MessageService messages, CancellationToken cancellationToken) =>
        Answer(await messages.GetPageAsync(user.GetUserId(), id, afterSeq, beforeSeq, limit, cancellationToken));

    private static async Task<Results<Created<MessageDto>, Ok<MessageDto>, ProblemHttpResult>> SendAsync(
        string id, SendMessageRequest request, ClaimsPrincipal user, MessageService messages, CancellationToken cancellationToken)
    {
        var result = await messages.SendAsync(user.GetUserId(), id, request, cancellationToken);
        if (!result.IsSuccess)
            return result.Error!.ToProblem();
        var (message, created) = result.Value;
        // No route serves one message by id; the location is the one-message page that holds it.
        return created
            ? TypedResults.Created($"{Location(id)}/messages?afterSeq={message.Seq - 1}&limit=1", message)
            : TypedResults.Ok(message);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(
        string id, ReadRequest request, ClaimsPrincipal user, MessageService messages, CancellationToken cancellationToken) =>
        Answer(await messages.MarkReadAsync(user.GetUserId(), id, request, cancellationToken));

    private static string Location(string conversationId) => $"{ApiRoutes.Base}/conversations/{conversationId}";

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();

    private static Results<NoContent, ProblemHttpResult> Answer(Outcome outcome) =>
        outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
}
