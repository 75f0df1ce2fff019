using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    /// <summary>
    /// Changes the caller's own settings of a conversation (<c>PATCH /conversations/{id}/settings</c>); a null
    /// argument keeps its value. Only the caller sees them; their other devices get <c>conversation</c> with
    /// <c>settings_changed</c>. Pinned conversations are listed first. Refusals: <c>conversation_not_found</c>,
    /// <c>validation_failed</c> (nothing to change).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="muted">No notifications (unread is still counted).</param>
    /// <param name="pinned">Listed first, the most recently pinned first.</param>
    /// <param name="archived">Listed apart by clients; stays archived when a message arrives.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation as the caller sees it now.</returns>
    public Task<ConversationDto> UpdateConversationSettingsAsync(
        string conversationId, bool? muted = null, bool? pinned = null, bool? archived = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"conversations/{Segment(conversationId)}/settings",
            Json(new ConversationSettingsRequest(muted, pinned, archived), ProtocolJsonContext.Wire.ConversationSettingsRequest),
            ProtocolJsonContext.Wire.ConversationDto, cancellationToken);

    /// <summary>
    /// Blocks a user (<c>PUT /users/{id}/block</c>): their sends to the direct conversation shared with the caller are
    /// refused with <c>blocked_by_user</c>; groups are not affected. Blocking again changes nothing. Refusals:
    /// <c>user_not_found</c>, <c>validation_failed</c> (the caller's own id).
    /// </summary>
    /// <param name="userId">The user to block.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task BlockUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"users/{Segment(userId)}/block", null, cancellationToken);

    /// <summary>Unblocks a user (<c>DELETE /users/{id}/block</c>); one not blocked changes nothing. Refusal: <c>user_not_found</c>.</summary>
    /// <param name="userId">The user to unblock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task UnblockUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"users/{Segment(userId)}/block", null, cancellationToken);

    /// <summary>The users the caller blocked, the most recently blocked first (<c>GET /users/me/blocks</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<UserDto>> ListBlockedUsersAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "users/me/blocks", null, ProtocolJsonContext.Wire.UserList, cancellationToken).ConfigureAwait(false)).Users;
}
