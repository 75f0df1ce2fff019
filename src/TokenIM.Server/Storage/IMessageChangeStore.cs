namespace TokenIM.Server.Storage;

/// <summary>
/// Changes to sent messages — edit, recall, reactions — and what the readers of a page need of them (reactions,
/// the viewer's "deleted for me"). Every change of a conversation's messages takes the next value of its change
/// counter (<see cref="ConversationEntity.LastChangeSeq"/>) in the same transaction, under the conversation's row lock,
/// so the counter is gap-free across nodes and a message's <see cref="MessageEntity.ChangeSeq"/> is its latest change.
/// </summary>
internal interface IMessageChangeStore
{
    /// <summary>The message with that id in that conversation; null when there is none (or it is of another conversation).</summary>
    Task<MessageEntity?> FindMessageByIdAsync(string conversationId, string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the message under the conversation's lock, asks <paramref name="decide"/> (null: no such message) and
    /// applies its change: the conversation's counter moves by one and the message takes it. A decision of null, an
    /// added reaction that was there already, a removed one that was not, and a second recall change nothing (the
    /// counter stays). The decision sees a copy: only the returned change is written.
    /// </summary>
    Task<Result<MessageChangeOutcome>> ChangeMessageAsync(
        string conversationId, string messageId, Func<MessageEntity?, Result<MessageChange?>> decide, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="take"/> messages whose <see cref="MessageEntity.ChangeSeq"/> is above <paramref name="afterChangeSeq"/>, ascending by it.</summary>
    Task<IReadOnlyList<MessageEntity>> GetChangesAsync(string conversationId, long afterChangeSeq, int take, CancellationToken cancellationToken);

    /// <summary>Hides the message from <paramref name="userId"/>'s views; true when it was not hidden before. Idempotent.</summary>
    Task<bool> HideAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken);

    /// <summary>The reactions on those messages, ordered by time, then user (so by first use and "who" earliest first).</summary>
    Task<IReadOnlyList<ReactionEntity>> GetReactionsAsync(string conversationId, IReadOnlyList<long> seqs, CancellationToken cancellationToken);

    /// <summary>Which of those messages <paramref name="userId"/> hid.</summary>
    Task<IReadOnlyList<long>> GetHiddenAsync(string conversationId, string userId, IReadOnlyList<long> seqs, CancellationToken cancellationToken);
}

/// <summary>What a change does to a message.</summary>
internal enum MessageChangeKind
{
    /// <summary>Replaces the text and the mentions; sets <see cref="MessageEntity.EditedAt"/>.</summary>
    Edit,

    /// <summary>Makes a tombstone: text, mentions, reply and attachment dropped, reactions deleted.</summary>
    Recall,

    /// <summary>Adds the user's reaction with the emoji.</summary>
    AddReaction,

    /// <summary>Removes the user's reaction with the emoji.</summary>
    RemoveReaction,
}

/// <summary>One change of a message by <paramref name="UserId"/> at <paramref name="At"/> (Unix ms).</summary>
internal sealed record MessageChange(MessageChangeKind Kind, string UserId, long At, string? Text = null, string? Mentions = null, string? Emoji = null);

/// <summary>The message as it is after the change; <paramref name="Changed"/> false when nothing was written.</summary>
internal sealed record MessageChangeOutcome(MessageEntity Message, bool Changed);
