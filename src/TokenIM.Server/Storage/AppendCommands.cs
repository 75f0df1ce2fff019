using System.Data.Common;

namespace TokenIM.Server.Storage;

/// <summary>
/// The statements of one group-commit batch, prepared on the batch's connection and transaction: each is parsed once
/// and then only re-bound per row. EF's <c>SaveChanges</c> spent more on change tracking and command building than
/// SQLite spent writing (docs/benchmarks.md has the figures). The insert finds a repeated clientMsgId through the
/// unique index it updates anyway (<c>ON CONFLICT … DO NOTHING</c>), so idempotency costs no read per send; only a
/// real repeat reads the original. This is the SQLite flavour: a statement costs no round trip there.
/// </summary>
internal sealed class AppendCommands : IAppendCommands
{
    private readonly DbCommand _insert;
    private readonly DbCommand _findOriginal;
    private readonly DbCommand _advanceConversation;
    private readonly DbCommand _advanceReader;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;

    // Made on first use: only batches with a subscribed webhook endpoint pay for it.
    private DbCommand? _insertEvent;

    public AppendCommands(DbConnection connection, DbTransaction transaction)
    {
        (_connection, _transaction) = (connection, transaction);
        _insert = Create(connection, transaction,
            """
            INSERT INTO "messages" ("ConversationId", "Seq", "Id", "SenderId", "ClientMsgId", "Text", "CreatedAt",
                "ReplyToSeq", "ForwardedFromSenderId", "ForwardedFromCreatedAt", "Mentions", "AttachmentId")
            VALUES (@conversation, @seq, @id, @sender, @clientMsgId, @text, @createdAt,
                @replyToSeq, @forwardedFromSenderId, @forwardedFromCreatedAt, @mentions, @attachmentId)
            ON CONFLICT ("ConversationId", "SenderId", "ClientMsgId") DO NOTHING
            """,
            "conversation", "seq", "id", "sender", "clientMsgId", "text", "createdAt",
            "replyToSeq", "forwardedFromSenderId", "forwardedFromCreatedAt", "mentions", "attachmentId");
        _findOriginal = Create(connection, transaction,
            $"""
            SELECT {StoredMessageColumns.Select} FROM "messages"
            WHERE "ConversationId" = @conversation AND "SenderId" = @sender AND "ClientMsgId" = @clientMsgId
            """,
            "conversation", "sender", "clientMsgId");
        _advanceConversation = Create(connection, transaction,
            """UPDATE "conversations" SET "LastSeq" = @seq, "UpdatedAt" = @updatedAt WHERE "Id" = @conversation""",
            "seq", "updatedAt", "conversation");
        // The sender has read what they sent; a marker never moves back.
        _advanceReader = Create(connection, transaction,
            """UPDATE "members" SET "ReadSeq" = @seq WHERE "ConversationId" = @conversation AND "UserId" = @user AND "ReadSeq" < @seq""",
            "seq", "conversation", "user");
    }

    /// <summary>The insert finds repeats itself: nothing is read up front.</summary>
    public Task<IReadOnlyList<MessageEntity>> FindStoredAsync(IReadOnlyList<AppendRequest> sends, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MessageEntity>>([]);

    /// <summary>Every statement was executed as it came.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Inserts the message; false when the sender already sent its clientMsgId here (nothing is written then).</summary>
    public async Task<bool> TryInsertAsync(MessageEntity message, CancellationToken cancellationToken)
    {
        var p = _insert.Parameters;
        p[0].Value = message.ConversationId;
        p[1].Value = message.Seq;
        p[2].Value = message.Id;
        p[3].Value = message.SenderId;
        p[4].Value = message.ClientMsgId;
        p[5].Value = message.Text;
        p[6].Value = message.CreatedAt;
        p[7].Value = (object?)message.ReplyToSeq ?? DBNull.Value;
        p[8].Value = (object?)message.ForwardedFromSenderId ?? DBNull.Value;
        p[9].Value = (object?)message.ForwardedFromCreatedAt ?? DBNull.Value;
        p[10].Value = (object?)message.Mentions ?? DBNull.Value;
        p[11].Value = (object?)message.AttachmentId ?? DBNull.Value;
        return await _insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The message stored earlier under this (conversation, sender, clientMsgId).</summary>
    public async Task<MessageEntity> FindOriginalAsync(string conversationId, string senderId, string clientMsgId, CancellationToken cancellationToken)
    {
        var p = _findOriginal.Parameters;
        p[0].Value = conversationId;
        p[1].Value = senderId;
        p[2].Value = clientMsgId;
        await using var reader = await _findOriginal.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException($"An insert into {conversationId} conflicted on a clientMsgId that is not stored.");
        return StoredMessageColumns.Read(reader, 0);
    }

    public async Task AdvanceConversationAsync(string conversationId, long lastSeq, long updatedAt, CancellationToken cancellationToken)
    {
        var p = _advanceConversation.Parameters;
        p[0].Value = lastSeq;
        p[1].Value = updatedAt;
        p[2].Value = conversationId;
        await _advanceConversation.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AdvanceReaderAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        var p = _advanceReader.Parameters;
        p[0].Value = seq;
        p[1].Value = conversationId;
        p[2].Value = userId;
        await _advanceReader.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddWebhookEventAsync(WebhookEventEntity webhookEvent, CancellationToken cancellationToken)
    {
        _insertEvent ??= Create(_connection, _transaction,
            """
            INSERT INTO "webhook_events" ("Id", "Type", "OrderKey", "Payload", "CreatedAt", "Dispatched")
            VALUES (@id, @type, @orderKey, @payload, @createdAt, 0)
            """,
            "id", "type", "orderKey", "payload", "createdAt");
        var p = _insertEvent.Parameters;
        p[0].Value = webhookEvent.Id;
        p[1].Value = webhookEvent.Type;
        p[2].Value = webhookEvent.OrderKey;
        p[3].Value = webhookEvent.Payload;
        p[4].Value = webhookEvent.CreatedAt;
        await _insertEvent.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Create(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _findOriginal.DisposeAsync();
        await _advanceConversation.DisposeAsync();
        await _advanceReader.DisposeAsync();
        if (_insertEvent is not null)
            await _insertEvent.DisposeAsync();
    }
}
