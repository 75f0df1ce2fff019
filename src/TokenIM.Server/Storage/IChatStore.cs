namespace TokenIM.Server.Storage;

/// <summary>
/// The store contract for conversations, their members and read markers. Every operation but
/// <see cref="ListConversationsAsync"/> touches one conversation, so a sharded implementation routes it by
/// conversation id; the list reads the caller's memberships first and may fan out from there.
/// </summary>
internal interface IConversationStore
{
    /// <summary>
    /// Creates the conversation with its first members in one transaction. False when a direct conversation with
    /// the same <see cref="ConversationEntity.DirectKey"/> already exists (a concurrent create won); nothing is written then.
    /// </summary>
    /// <remarks><paramref name="actorId"/>: who created it, for the <c>conversation.created</c> webhook event.</remarks>
    Task<bool> TryCreateConversationAsync(ConversationEntity conversation, IReadOnlyList<MemberEntity> members, CancellationToken cancellationToken, string? actorId = null);

    /// <summary>
    /// The direct conversation of the pair with <paramref name="directKey"/>, looked for on the shard of
    /// <paramref name="conversationId"/> — the id the pair's conversation is created with, so both meet there.
    /// </summary>
    Task<ConversationEntity?> FindDirectAsync(string directKey, string conversationId, CancellationToken cancellationToken);

    /// <summary>The conversation as <paramref name="userId"/> sees it; null when it does not exist or they are not a member.</summary>
    Task<ConversationView?> GetConversationAsync(string conversationId, string userId, CancellationToken cancellationToken);

    /// <summary>Every conversation <paramref name="userId"/> is a member of, most recently active first (then by id).</summary>
    Task<IReadOnlyList<ConversationView>> ListConversationsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The membership and the conversation's last seq; null when not a member (or no such conversation).</summary>
    Task<Membership?> FindMembershipAsync(string conversationId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Who is in the conversation, from memory when it was read recently (membership changes made through
    /// <see cref="ChangeConversationAsync{T}"/> are seen at once); null when it does not exist or has no members left.
    /// </summary>
    ValueTask<MemberRoster?> GetRosterAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>The conversation's row, whoever its members are (the server API's view); null when there is none.</summary>
    Task<ConversationEntity?> FindConversationAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Every member, in joining order (then by user id).</summary>
    Task<IReadOnlyList<MemberEntity>> GetMembersAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the conversation and its members inside one write transaction, lets <paramref name="decide"/> (the
    /// domain rules) choose a change from that state, applies it and commits. Changes to one conversation are
    /// serialized, so a decision never acts on stale membership. <paramref name="decide"/> gets null when the
    /// conversation does not exist; when it returns a failure nothing is written.
    /// </summary>
    Task<Result<T>> ChangeConversationAsync<T>(
        string conversationId, Func<ConversationState?, Result<Decision<T>>> decide, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the member's read marker to <paramref name="seq"/> if that is higher than where it is: a conditional
    /// update, so concurrent markers never move it back. False when it did not move (or no such member).
    /// </summary>
    Task<bool> AdvanceReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken);

    /// <summary>
    /// The users who share a direct conversation with <paramref name="userId"/>, or a group of at most
    /// <paramref name="maxGroupSize"/> members: who hears of the user's presence. Each once, never the user.
    /// </summary>
    Task<IReadOnlyList<string>> GetPresenceAudienceAsync(string userId, int maxGroupSize, CancellationToken cancellationToken);
}

/// <summary>The store contract for messages: the group-commit append and history reads.</summary>
internal interface IMessageStore
{
    /// <summary>How many shards hold conversations: the writer commits each shard's sends separately.</summary>
    int ShardCount { get; }

    /// <summary>The shard (0 to <see cref="ShardCount"/> - 1) of a conversation.</summary>
    int ShardOf(string conversationId);

    /// <summary>
    /// Appends the sends — all of one shard — in ONE transaction, in order, and returns one result per send. For each: a sender who is
    /// not a member gets <see cref="AppendStatus.NotMember"/>; a (conversation, sender, clientMsgId) already stored
    /// or earlier in the same batch gets the original message; otherwise the message takes the conversation's next
    /// seq (gap-free, from 1), the conversation's last seq and activity time move to it, and so does the sender's
    /// read marker. Nothing is visible before the commit; an exception means nothing of the batch was written
    /// (<see cref="StoreUnavailableException"/> when the shard is unreachable).
    /// </summary>
    /// <remarks>Every message of the batch is stamped <paramref name="createdAt"/> (Unix ms), so time never runs backwards along seq.</remarks>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<AppendRequest> sends, long createdAt, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="take"/> messages with <paramref name="afterSeq"/> &lt; seq &lt; <paramref name="beforeSeq"/>
    /// (null: unbounded), starting from the high end when <paramref name="fromHighEnd"/> (newest first) and from the
    /// low end otherwise (oldest first). A range scan of the (conversation, seq) key.
    /// </summary>
    Task<IReadOnlyList<MessageEntity>> GetMessagesAsync(
        string conversationId, long? afterSeq, long? beforeSeq, int take, bool fromHighEnd, CancellationToken cancellationToken);

    /// <summary>The message stored under the idempotency key (conversation, sender, clientMsgId); null when there is none yet.</summary>
    Task<MessageEntity?> FindMessageAsync(string conversationId, string senderId, string clientMsgId, CancellationToken cancellationToken);
}

/// <summary>Conversations and messages: what the chat domain needs from storage.</summary>
internal interface IChatStore : IConversationStore, IMessageStore;

/// <summary>
/// A conversation as one member sees it: the row, the member's own row, every member id, the newest message, and how
/// many unread messages mention the member.
/// </summary>
internal sealed record ConversationView(
    ConversationEntity Conversation, MemberEntity Self, IReadOnlyList<string> MemberIds, MessageEntity? LastMessage, long MentionCount = 0);

/// <summary>A member's row and the conversation's type and last seq: what a per-request permission check needs.</summary>
internal sealed record Membership(MemberEntity Member, string ConversationType, long LastSeq);

/// <summary>A conversation and its members (in joining order), read inside the transaction that will change them.</summary>
internal sealed record ConversationState(ConversationEntity Conversation, IReadOnlyList<MemberEntity> Members);

/// <summary>
/// A change to one conversation, applied atomically. Roles are applied after additions and removals.
/// <see cref="ConversationEntity.MemberCount"/> follows the membership.
/// </summary>
internal sealed record ConversationChange
{
    public string? NewTitle { get; init; }

    public IReadOnlyList<MemberEntity> Added { get; init; } = [];

    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>User id to new role.</summary>
    public IReadOnlyDictionary<string, string> Roles { get; init; } = new Dictionary<string, string>();

    /// <summary>Who made the change (the webhook events' <c>actorId</c>); null when the app did it through the server API.</summary>
    public string? ActorId { get; init; }
}

/// <summary>What a decision returns to the caller, and the change to write (null: write nothing).</summary>
internal readonly record struct Decision<T>(T Value, ConversationChange? Change);

/// <summary>
/// One pending send. <c>OriginConnectionId</c>: the socket it came from, if any (its own <c>message</c> event is not
/// sent back to it). <c>OnCommitted</c>: called by the writer, in commit order and before the next batch, with the
/// outcome (null: it could not be stored); it must not block — it is how a socket queues its acks in the order its
/// sends were committed. <c>Extras</c>: what a reply, forward, mention or attachment adds (null for a plain text).
/// </summary>
internal sealed record AppendRequest(
    string ConversationId,
    string SenderId,
    string ClientMsgId,
    string Text,
    string MessageId,
    string? OriginConnectionId = null,
    Action<AppendResult?>? OnCommitted = null,
    MessageExtras? Extras = null);

/// <summary>
/// The optional columns of a new message, checked by the domain before it is queued: the quoted seq (same
/// conversation), the forwarded original's sender and time, the mentions (see <see cref="MessageEntity.Mentions"/>)
/// and the attachment id (of the same conversation). <c>ReplyPreview</c> and <c>Attachment</c> are not stored: they
/// are what the live event and the ack show of the quoted message and the file, read while checking the send.
/// </summary>
internal sealed record MessageExtras(
    long? ReplyToSeq = null,
    string? ForwardedFromSenderId = null,
    long? ForwardedFromCreatedAt = null,
    string? Mentions = null,
    string? AttachmentId = null,
    Protocol.Rest.MessageReplyDto? ReplyPreview = null,
    Protocol.Rest.AttachmentDto? Attachment = null);

/// <summary>
/// The stage after the commit: it gets every committed batch, in commit order, publishes what it must, and then calls
/// each send's <see cref="CommittedSend.Complete"/> in order — so events go out in seq order, and before the sender's
/// ack or <c>201</c>. The writer waits only to hand the batch over, then commits the next one meanwhile.
/// </summary>
internal interface IMessageCommitObserver
{
    ValueTask OnCommittedAsync(IReadOnlyList<CommittedSend> batch);
}

/// <summary>A send and its outcome, as committed; <see cref="Complete"/> acks it (callback, then waiter) and must be called exactly once.</summary>
internal readonly record struct CommittedSend(AppendRequest Send, AppendResult Result, Action Complete);

internal enum AppendStatus
{
    Created,
    Duplicate,
    NotMember,

    /// <summary>The conversation's shard is unreachable: nothing was written; the client resends later with the same clientMsgId.</summary>
    Unavailable,
}

/// <summary>The outcome of one send; <see cref="Message"/> is null with <see cref="AppendStatus.NotMember"/> and <see cref="AppendStatus.Unavailable"/>.</summary>
internal sealed record AppendResult(AppendStatus Status, MessageEntity? Message);
