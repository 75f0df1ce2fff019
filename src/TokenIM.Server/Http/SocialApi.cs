using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;

namespace TokenIM.Server.Http;

/// <summary>The caller's own settings of a conversation, and blocking users.</summary>
internal static class SocialApi
{
    public static RouteGroupBuilder MapSocialApi(this RouteGroupBuilder api)
    {
        api.MapPatch("/conversations/{id}/settings", UpdateSettingsAsync)
            .WithTags("Conversations")
            .RequireAuthorization()
            .WithSummary("Change the caller's own settings of a conversation: muted, pinned, archived.")
            .WithDescription("A field left out keeps its value. Only the caller sees their settings; their devices get "
                + "`conversation {event: settings_changed}`. Pinned conversations are listed first, the most recently pinned first. "
                + "A conversation the caller is not in: 404 conversation_not_found, checked before the body.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization();
        users.MapGet("/me/blocks", ListBlockedAsync)
            .WithSummary("The users the caller blocked, the most recent first.")
            .WithDescription("A blocked user cannot send to the direct conversation they share with the caller; groups are not affected.");
        users.MapPut("/{id}/block", BlockAsync)
            .WithSummary("Block a user: their messages to your direct conversation are refused (403 blocked_by_user).")
            .WithDescription("Blocking again changes nothing. Group messages and presence are not affected. The caller: 400 validation_failed.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapDelete("/{id}/block", UnblockAsync)
            .WithSummary("Unblock a user: their sends are accepted again.")
            .WithDescription("Unblocking a user who is not blocked changes nothing.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> UpdateSettingsAsync(
        string id, ConversationSettingsRequest? request, ClaimsPrincipal user, SocialService social, CancellationToken cancellationToken)
    {
        var result = await social.UpdateSettingsAsync(user.GetUserId(), id, request, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Ok<UserList>> ListBlockedAsync(ClaimsPrincipal user, SocialService social, CancellationToken cancellationToken) =>
        TypedResults.Ok(await social.ListBlockedAsync(user.GetUserId(), cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> BlockAsync(string id, ClaimsPrincipal user, SocialService social, CancellationToken cancellationToken) =>
        Answer(await social.BlockAsync(user.GetUserId(), id, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> UnblockAsync(string id, ClaimsPrincipal user, SocialService social, CancellationToken cancellationToken) =>
        Answer(await social.UnblockAsync(user.GetUserId(), id, cancellationToken));

    private static Results<NoContent, ProblemHttpResult> Answer(Outcome outcome) =>
        outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
}
