using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Storage;

/// <summary>
/// What replies, forwards, mentions and a member's own settings read and write on a conversation's shard. Every
/// operation touches one conversation, routed by its id like the rest of <see cref="IChatStore"/>.
/// </summary>
internal interface ISocialStore
{
    /// <summary>The message with that id in that conversation (a message of another conversation is null).</summary>
    Task<MessageEntity?> FindMessageByIdAsync(string conversationId, string messageId, CancellationToken cancellationToken);

    /// <summary>The quoted messages of a page, as they are now, in one query; seqs with no message are missing.</summary>
    Task<IReadOnlyList<QuotedMessage>> GetQuotedAsync(string conversationId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken);

    /// <summary>The name of an attachment of the conversation; null when there is none.</summary>
    Task<string?> FindAttachmentNameAsync(string conversationId, string attachmentId, CancellationToken cancellationToken);

    /// <summary>
    /// Each member's unread messages that mention them (by name or <c>@all</c>), in one query: what a conversation
    /// event sent to every member shows each of them. Members with none are missing.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> MentionCountsByMemberAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the member's own settings (a null field keeps its value; pinning or archiving again keeps the first
    /// time). False when <paramref name="userId"/> is not a member.
    /// </summary>
    Task<bool> UpdateSettingsAsync(string conversationId, string userId, ConversationSettingsRequest settings, long now, CancellationToken cancellationToken);
}

/// <summary>A quoted message's columns a reply preview shows; <c>AttachmentName</c> is its file's name, if it has one.</summary>
internal sealed record QuotedMessage(string Id, long Seq, string SenderId, string Text, bool Recalled, string? AttachmentName);
