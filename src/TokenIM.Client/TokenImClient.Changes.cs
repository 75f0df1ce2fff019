using System.Globalization;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    /// <summary>
    /// Replaces the text of your own message (<c>PATCH /conversations/{id}/messages/{messageId}</c>) and returns it with
    /// its new <see cref="MessageDto.EditedAt"/> and <see cref="MessageDto.ChangeSeq"/>; members get <c>changed</c>.
    /// Refusals: <c>permission_denied</c> (not yours), <c>edit_window_closed</c> (24 h by default), <c>message_recalled</c>,
    /// <c>message_not_found</c>, <c>validation_failed</c>, <c>message_rejected</c> and <c>hook_unavailable</c> (the before-send hook).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message, of that conversation.</param>
    /// <param name="text">The new text, by the rules of sending.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessageDto> EditMessageAsync(string conversationId, string messageId, string text, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, MessagePath(conversationId, messageId),
            Json(new EditMessageRequest(text), ProtocolJsonContext.Wire.EditMessageRequest), ProtocolJsonContext.Wire.MessageDto, cancellationToken);

    /// <summary>
    /// Recalls a message — deletes it for everyone (<c>DELETE /conversations/{id}/messages/{messageId}</c>) — and returns
    /// the tombstone (same seq, empty text, <see cref="MessageDto.Recalled"/>). Your own within the recall window (24 h by
    /// default); a group's owners and admins recall any. Recalling again returns the same tombstone. Refusals:
    /// <c>permission_denied</c>, <c>recall_window_closed</c>, <c>message_not_found</c>.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message, of that conversation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessageDto> RecallMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, MessagePath(conversationId, messageId), null, ProtocolJsonContext.Wire.MessageDto, cancellationToken);

    /// <summary>
    /// Deletes a message for you only (<c>POST …/messages/{messageId}/hide</c>): your reads then return it with
    /// <see cref="MessageDto.Hidden"/> and no text; your other devices get <c>hidden</c>. It cannot be undone.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message, of that conversation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task HideMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"{MessagePath(conversationId, messageId)}/hide", null, cancellationToken);

    /// <summary>
    /// Adds your reaction (one of <see cref="Reactions.Allowed"/>) and returns the message with its reactions; adding it
    /// again changes nothing. Refusals: <c>validation_failed</c> (another emoji), <c>message_recalled</c>, <c>message_not_found</c>.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message, of that conversation.</param>
    /// <param name="emoji">One of <see cref="Reactions.Allowed"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessageDto> AddReactionAsync(string conversationId, string messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, ReactionPath(conversationId, messageId, emoji), null, ProtocolJsonContext.Wire.MessageDto, cancellationToken);

    /// <summary>Removes your reaction and returns the message; removing one you did not add changes nothing.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message, of that conversation.</param>
    /// <param name="emoji">One of <see cref="Reactions.Allowed"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessageDto> RemoveReactionAsync(string conversationId, string messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, ReactionPath(conversationId, messageId, emoji), null, ProtocolJsonContext.Wire.MessageDto, cancellationToken);

    /// <summary>
    /// The messages changed (edited, recalled, reactions) above <paramref name="afterChangeSeq"/>, ascending by
    /// <see cref="MessageDto.ChangeSeq"/>, each once as it now is (<c>GET /conversations/{id}/changes</c>). Page on with
    /// the last one's changeSeq while <see cref="ChangePage.HasMore"/> is true.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="afterChangeSeq">The highest change seq you have applied (0 for all).</param>
    /// <param name="limit">1–100; null for the server's default of 50.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ChangePage> GetChangesAsync(string conversationId, long afterChangeSeq, int? limit = null, CancellationToken cancellationToken = default)
    {
        var path = $"conversations/{Segment(conversationId)}/changes?afterChangeSeq={afterChangeSeq.ToString(CultureInfo.InvariantCulture)}";
        if (limit is { } take)
            path += $"&limit={take.ToString(CultureInfo.InvariantCulture)}";
        return SendAsync(HttpMethod.Get, path, null, ProtocolJsonContext.Wire.ChangePage, cancellationToken);
    }

    private static string MessagePath(string conversationId, string messageId) => $"conversations/{Segment(conversationId)}/messages/{Segment(messageId)}";

    private static string ReactionPath(string conversationId, string messageId, string emoji) =>
        $"{MessagePath(conversationId, messageId)}/reactions/{Segment(emoji)}";
}
