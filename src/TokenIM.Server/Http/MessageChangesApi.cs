using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;

namespace TokenIM.Server.Http;

/// <summary>
/// Changing sent messages (edit, recall, reactions), "delete for me", and the change cursor. A conversation the caller
/// is not in is 404 <c>conversation_not_found</c>, checked first; a message id of another conversation is 404
/// <c>message_not_found</c>.
/// </summary>
internal static class MessageChangesApi
{
    public static RouteGroupBuilder MapMessageChangesApi(this RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/conversations").WithTags("Message changes").RequireAuthorization();
        conversations.MapPatch("/{id}/messages/{messageId}", EditAsync)
            .WithSummary("Edit your own message's text.")
            .WithDescription("Within TokenIM:Messages:EditWindow (24 h by default) of sending; the text follows the rules of sending and the before-send hook checks it. The message gets editedAt and a new changeSeq; members get `changed`.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        conversations.MapDelete("/{id}/messages/{messageId}", RecallAsync)
            .WithSummary("Recall a message (delete it for everyone); answers the tombstone.")
            .WithDescription("The sender within TokenIM:Messages:RecallWindow (24 h by default); a group's owners and admins at any time. The message keeps its seq; its text, reply, mentions, file and reactions are dropped. Recalling again answers the same tombstone.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        conversations.MapPost("/{id}/messages/{messageId}/hide", HideAsync)
            .WithSummary("Delete a message for yourself only.")
            .WithDescription("Every read of yours then returns it with hidden: true and empty text; your other devices get `hidden`. It cannot be undone.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        conversations.MapPut("/{id}/messages/{messageId}/reactions/{emoji}", AddReactionAsync)
            .WithSummary("Add your reaction (one of 👍 ❤️ 😂 😮 😢 🙏 🎉 🔥, URL-encoded).")
            .WithDescription("Adding one you added already changes nothing (and is not a change).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        conversations.MapDelete("/{id}/messages/{messageId}/reactions/{emoji}", RemoveReactionAsync)
            .WithSummary("Remove your reaction.")
            .WithDescription("Removing one you did not add changes nothing (and is not a change).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        conversations.MapGet("/{id}/changes", GetChangesAsync)
            .WithSummary("The messages changed above afterChangeSeq, ascending by changeSeq.")
            .WithDescription("Each changed message once, as it now is; limit 1–100 (default 50). Page on with the last changeSeq while hasMore is true.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return conversations;
    }

    private static async Task<Results<Ok<MessageDto>, ProblemHttpResult>> EditAsync(
        string id, string messageId, EditMessageRequest request, ClaimsPrincipal user, MessageChangeService changes, CancellationToken cancellationToken) =>
        Answer(await changes.EditAsync(user.GetUserId(), id, messageId, request, cancellationToken));

    private static async Task<Results<Ok<MessageDto>, ProblemHttpResult>> RecallAsync(
        string id, string messageId, ClaimsPrincipal user, MessageChangeService changes, CancellationToken cancellationToken) =>
        Answer(await changes.RecallAsync(user.GetUserId(), id, messageId, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> HideAsync(
        string id, string messageId, ClaimsPrincipal user, MessageChangeService changes, CancellationToken cancellationToken)
    {
        var outcome = await changes.HideAsync(user.GetUserId(), id, messageId, originConnectionId: null, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }

    private static async Task<Results<Ok<MessageDto>, ProblemHttpResult>> AddReactionAsync(
        string id, string messageId, string emoji, ClaimsPrincipal user, MessageChangeService changes, CancellationToken cancellationToken) =>
        Answer(await changes.ReactAsync(user.GetUserId(), id, messageId, emoji, add: true, cancellationToken));

    private static async Task<Results<Ok<MessageDto>, ProblemHttpResult>> RemoveReactionAsync(
        string id, string messageId, string emoji, ClaimsPrincipal user, MessageChangeService changes, CancellationToken cancellationToken) =>
        Answer(await changes.ReactAsync(user.GetUserId(), id, messageId, emoji, add: false, cancellationToken));

    private static async Task<Results<Ok<ChangePage>, ProblemHttpResult>> GetChangesAsync(
        string id, long? afterChangeSeq, int? limit, ClaimsPrincipal user, MessageChangeService changes, CancellationToken cancellationToken) =>
        Answer(await changes.GetChangesAsync(user.GetUserId(), id, afterChangeSeq, limit, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}
