using Npgsql;
using NpgsqlTypes;

namespace TokenIM.Server.Storage;

/// <summary>
/// The PostgreSQL flavour of a batch's writes. Every statement to a server costs a network round trip, so a batch
/// is a fixed number of them whatever its size: repeats are read in one query (the conversations are locked
/// <c>FOR UPDATE</c> by then, so no other writer can add one meanwhile), and the inserts, the conversations' new last
/// seqs and the senders' read markers go out together as three array statements in one round trip.
/// </summary>
internal sealed class PostgresAppendCommands(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAppendCommands
{
    private readonly List<MessageEntity> _messages = [];
    private readonly List<(string Id, long LastSeq, long UpdatedAt)> _conversations = [];
    private readonly List<(string ConversationId, string UserId, long Seq)> _readers = [];
    private readonly List<WebhookEventEntity> _events = [];

    /// <remarks>
    /// A lateral lookup per key, so each is one probe of the unique index in one partition. As a plain join of the
    /// key list with the messages table the planner chose to scan every partition once the table was large: 400 ms a
    /// batch, measured, and the send path's largest cost.
    /// </remarks>
    public async Task<IReadOnlyList<MessageEntity>> FindStoredAsync(IReadOnlyList<AppendRequest> sends, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT m.* FROM unnest($1::text[], $2::text[], $3::text[]) AS k(conversation, sender, client_msg_id)
            CROSS JOIN LATERAL (
                SELECT {StoredMessageColumns.Select} FROM "messages"
                WHERE "ConversationId" = k.conversation AND "SenderId" = k.sender AND "ClientMsgId" = k.client_msg_id
                LIMIT 1) m
            """,
            connection,
            transaction);
        command.Parameters.Add(Texts(sends.Select(s => s.ConversationId)));
        command.Parameters.Add(Texts(sends.Select(s => s.SenderId)));
        command.Parameters.Add(Texts(sends.Select(s => s.ClientMsgId)));
        var stored = new List<MessageEntity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            stored.Add(StoredMessageColumns.Read(reader, 0));

        return stored;
    }

    /// <summary>Queues the insert: repeats were all found by <see cref="FindStoredAsync"/>, so it always succeeds.</summary>
    public Task<bool> TryInsertAsync(MessageEntity message, CancellationToken cancellationToken)
    {
        _messages.Add(message);
        return Task.FromResult(true);
    }

    public Task<MessageEntity> FindOriginalAsync(string conversationId, string senderId, string clientMsgId, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Repeats are read up front on PostgreSQL; an insert never reports one.");

    public Task AdvanceConversationAsync(string conversationId, long lastSeq, long updatedAt, CancellationToken cancellationToken)
    {
        _conversations.Add((conversationId, lastSeq, updatedAt));
        return Task.CompletedTask;
    }

    public Task AdvanceReaderAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        _readers.Add((conversationId, userId, seq));
        return Task.CompletedTask;
    }

    public Task AddWebhookEventAsync(WebhookEventEntity webhookEvent, CancellationToken cancellationToken)
    {
        _events.Add(webhookEvent);
        return Task.CompletedTask;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_messages.Count == 0)
            return;
        await using var batch = new NpgsqlBatch(connection, transaction);
        // No ON CONFLICT: a repeat here would mean a seq handed out twice, which must fail the batch, not vanish.
        // Plain texts (most batches) skip the five arrays of nulls the optional columns would need.
        batch.BatchCommands.Add(_messages.Any(HasExtras) ? InsertWithExtras(_messages) : Command(
            """
            INSERT INTO "messages" ("ConversationId", "Seq", "Id", "SenderId", "ClientMsgId", "Text", "CreatedAt")
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
            """,
            Texts(_messages.Select(m => m.ConversationId)),
            Longs(_messages.Select(m => m.Seq)),
            Texts(_messages.Select(m => m.Id)),
            Texts(_messages.Select(m => m.SenderId)),
            Texts(_messages.Select(m => m.ClientMsgId)),
            Texts(_messages.Select(m => m.Text)),
            Longs(_messages.Select(m => m.CreatedAt))));
        batch.BatchCommands.Add(Command(
            """
            UPDATE "conversations" c SET "LastSeq" = u.last_seq, "UpdatedAt" = u.updated_at
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(id, last_seq, updated_at)
            WHERE c."Id" = u.id
            """,
            Texts(_conversations.Select(c => c.Id)),
            Longs(_conversations.Select(c => c.LastSeq)),
            Longs(_conversations.Select(c => c.UpdatedAt))));
        batch.BatchCommands.Add(Command(
            """
            UPDATE "members" m SET "ReadSeq" = u.seq
            FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(conversation, member, seq)
            WHERE m."ConversationId" = u.conversation AND m."UserId" = u.member AND m."ReadSeq" < u.seq
            """,
            Texts(_readers.Select(r => r.ConversationId)),
            Texts(_readers.Select(r => r.UserId)),
            Longs(_readers.Select(r => r.Seq))));
        // A fourth statement in the same round trip, only when an endpoint wants the batch's messages.
        if (_events.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                """
                INSERT INTO "webhook_events" ("Id", "Type", "OrderKey", "Payload", "CreatedAt", "Dispatched")
                SELECT e.id, e.type, e.order_key, e.payload, e.created_at, false
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS e(id, type, order_key, payload, created_at, n)
                ORDER BY e.n
                """,
                Texts(_events.Select(e => e.Id)),
                Texts(_events.Select(e => e.Type)),
                Texts(_events.Select(e => e.OrderKey)),
                Texts(_events.Select(e => e.Payload)),
                Longs(_events.Select(e => e.CreatedAt))));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool HasExtras(MessageEntity m) =>
        m.ReplyToSeq is not null || m.ForwardedFromSenderId is not null || m.Mentions is not null || m.AttachmentId is not null;

    private static NpgsqlBatchCommand InsertWithExtras(List<MessageEntity> messages) => Command(
        """
        INSERT INTO "messages" ("ConversationId", "Seq", "Id", "SenderId", "ClientMsgId", "Text", "CreatedAt",
            "ReplyToSeq", "ForwardedFromSenderId", "ForwardedFromCreatedAt", "Mentions", "AttachmentId")
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
            $8::bigint[], $9::text[], $10::bigint[], $11::text[], $12::text[])
        """,
        Texts(messages.Select(m => m.ConversationId)),
        Longs(messages.Select(m => m.Seq)),
        Texts(messages.Select(m => m.Id)),
        Texts(messages.Select(m => m.SenderId)),
        Texts(messages.Select(m => m.ClientMsgId)),
        Texts(messages.Select(m => m.Text)),
        Longs(messages.Select(m => m.CreatedAt)),
        NullableLongs(messages.Select(m => m.ReplyToSeq)),
        NullableTexts(messages.Select(m => m.ForwardedFromSenderId)),
        NullableLongs(messages.Select(m => m.ForwardedFromCreatedAt)),
        NullableTexts(messages.Select(m => m.Mentions)),
        NullableTexts(messages.Select(m => m.AttachmentId)));

    private static NpgsqlParameter NullableTexts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter NullableLongs(IEnumerable<long?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values.ToArray() };

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Texts(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter Longs(IEnumerable<long> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values.ToArray() };

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
