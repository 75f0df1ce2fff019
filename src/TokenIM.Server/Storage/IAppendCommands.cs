namespace TokenIM.Server.Storage;

/// <summary>
/// The writes of one group-commit batch inside its transaction, per provider: SQLite runs each statement as it comes
/// (no round trip to pay), PostgreSQL reads repeats in one query up front and sends every write in one round trip
/// at <see cref="FlushAsync"/>.
/// </summary>
internal interface IAppendCommands : IAsyncDisposable
{
    /// <summary>
    /// The messages already stored under any of the sends' (conversation, sender, clientMsgId), when the provider reads
    /// them up front; otherwise empty, and <see cref="TryInsertAsync"/> finds repeats.
    /// </summary>
    Task<IReadOnlyList<MessageEntity>> FindStoredAsync(IReadOnlyList<AppendRequest> sends, CancellationToken cancellationToken);

    /// <summary>Inserts (or queues) the message; false when its idempotency key is already stored (nothing is written then).</summary>
    Task<bool> TryInsertAsync(MessageEntity message, CancellationToken cancellationToken);

    /// <summary>The message stored earlier under this key, after <see cref="TryInsertAsync"/> returned false.</summary>
    Task<MessageEntity> FindOriginalAsync(string conversationId, string senderId, string clientMsgId, CancellationToken cancellationToken);

    Task AdvanceConversationAsync(string conversationId, long lastSeq, long updatedAt, CancellationToken cancellationToken);

    /// <summary>Moves the member's read marker to <paramref name="seq"/> unless it is already there or further.</summary>
    Task AdvanceReaderAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken);

    /// <summary>
    /// Writes (or queues) a webhook outbox row in the batch's transaction. Called only while an endpoint wants the
    /// event, so a server without endpoints never prepares the statement.
    /// </summary>
    Task AddWebhookEventAsync(WebhookEventEntity webhookEvent, CancellationToken cancellationToken);

    /// <summary>Executes whatever was queued; called once, before the commit.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
