using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>How much of the quoted text a reply preview carries, in characters (Unicode scalar values).</summary>
    internal const int PreviewLength = 100;

    private static readonly Failure s_messageNotFound = new(ErrorCode.MessageNotFound, "No such message.");

    private static readonly Failure s_recalled = new(ErrorCode.MessageRecalled, "The message was recalled: it cannot be quoted or forwarded.");

    /// <summary>The quoted message of the same conversation; null when the send quotes none.</summary>
    private async Task<Result<ResolvedReply?>> ResolveReplyAsync(string conversationId, string? replyToId, CancellationToken cancellationToken)
    {
        if (replyToId is null)
            return (ResolvedReply?)null;
        if (replyToId.Length == 0)
            return Failure.Validation("replyToId", "replyToId is a message id of this conversation.");
        var quoted = await _social.FindMessageByIdAsync(conversationId, replyToId, cancellationToken);
        if (quoted is null)
            return s_messageNotFound;
        if (quoted.RecalledAt is not null)
            return s_recalled;
        var attachmentName = quoted.AttachmentId is { } attachmentId
            ? await _social.FindAttachmentNameAsync(conversationId, attachmentId, cancellationToken)
            : null;
        return new ResolvedReply(quoted.Seq, new MessageReplyDto(quoted.Id, quoted.Seq, quoted.SenderId, Preview(quoted.Text), AttachmentName: attachmentName));
    }

    /// <summary>
    /// The forwarded original, from a conversation the sender is a member of; null when the send forwards nothing.
    /// A conversation the sender is not in answers like a missing message, so a forward reveals nothing of it.
    /// </summary>
    private async Task<Result<ResolvedForward?>> ResolveForwardAsync(string userId, MessageRefDto? forwardOf, CancellationToken cancellationToken)
    {
        if (forwardOf is null)
            return (ResolvedForward?)null;
        if (string.IsNullOrEmpty(forwardOf.ConversationId) || string.IsNullOrEmpty(forwardOf.MessageId))
            return Failure.Validation("forwardOf", "forwardOf names a conversationId and a messageId.");
        if (await _store.GetRosterAsync(forwardOf.ConversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return s_messageNotFound;
        var original = await _social.FindMessageByIdAsync(forwardOf.ConversationId, forwardOf.MessageId, cancellationToken);
        if (original is null)
            return s_messageNotFound;
        if (original.RecalledAt is not null)
            return s_recalled;
        // A forward of a forward names the origin, never the middle conversation's sender.
        return new ResolvedForward(
            original.Text,
            original.ForwardedFromSenderId ?? original.SenderId,
            original.ForwardedFromCreatedAt ?? original.CreatedAt,
            forwardOf.ConversationId,
            original.AttachmentId);
    }

    /// <summary>The first <see cref="PreviewLength"/> characters, cut between runes (never inside a surrogate pair).</summary>
    internal static string Preview(string text)
    {
        if (text.Length <= PreviewLength)
            return text;
        var runes = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (runes == PreviewLength)
                return text[..end];
            runes++;
            end += rune.Utf16SequenceLength;
        }

        return text;
    }
}
