using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TokenIM.Server.Webhooks;

namespace TokenIM.Server.Storage;

/// <summary>The message side of the store: the group-commit append (one shard per batch) and history reads.</summary>
internal sealed partial class EfChatStore
{
    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<AppendRequest> sends, long createdAt, CancellationToken cancellationToken)
    {
        var shard = shards.For(sends[0].ConversationId);
        if (sends.Any(s => shards.For(s.ConversationId) != shard))
            throw new ArgumentException("A batch is appended on one shard: the writer groups sends by shard.", nameof(sends));
        try
        {
            var results = await AppendOnShardAsync(shard, sends, createdAt, outbox, cancellationToken);
            if (outbox.Any)
                outbox.NotifyWritten(shard.Index);
            return results;
        }
        catch (Exception e) when (e is not StoreUnavailableException && StoreUnavailableException.IsUnreachable(e))
        {
            // The connection broke mid-batch: nothing of it committed; later sends fail fast for a while.
            shard.MarkUnreachable();
            throw new StoreUnavailableException(shard.Index, e);
        }
    }

    private static async Task<IReadOnlyList<AppendResult>> AppendOnShardAsync(
        Shard shard, IReadOnlyList<AppendRequest> sends, long createdAt, WebhookOutbox outbox, CancellationToken cancellationToken)
    {
        // Read once per batch: the one branch a server without webhook endpoints takes.
        var announce = outbox.Wants(Protocol.Webhooks.WebhookEventTypes.MessageCreated);
        await using var db = shard.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two set-based reads for the whole batch, whatever its size: the conversations and the senders' memberships.
        // Rows are then kept current in memory: several sends to one conversation take consecutive seqs, and the
        // transaction's write lock means nobody else moves them meanwhile.
        var conversationIds = sends.Select(s => s.ConversationId).Distinct(StringComparer.Ordinal).ToList();
        var senderIds = sends.Select(s => s.SenderId).Distinct(StringComparer.Ordinal).ToList();
        var conversations = await ConversationsForUpdate(db, conversationIds)
            .ToDictionaryAsync(c => c.Id, StringComparer.Ordinal, cancellationToken);
        var members = (await db.Members.AsNoTracking()
            .Where(m => conversationIds.Contains(m.ConversationId) && senderIds.Contains(m.UserId))
            .Select(m => new { m.ConversationId, m.UserId })
            .ToListAsync(cancellationToken))
            .Select(m => (m.ConversationId, m.UserId))
            .ToHashSet();
        await using IAppendCommands commands = db.Database.GetDbConnection() is Npgsql.NpgsqlConnection npgsql
            ? new PostgresAppendCommands(npgsql, (Npgsql.NpgsqlTransaction)transaction.GetDbTransaction())
            : new AppendCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction());
        // Sends stored before (when the provider reads them up front) or earlier in this batch: repeats.
        var originals = new Dictionary<(string, string, string), MessageEntity>(sends.Count);
        foreach (var stored in await commands.FindStoredAsync(sends, cancellationToken))
            originals[(stored.ConversationId, stored.SenderId, stored.ClientMsgId)] = stored;
        var moved = new HashSet<string>(StringComparer.Ordinal);
        var readers = new Dictionary<(string, string), long>();
        var results = new AppendResult[sends.Count];
        for (var i = 0; i < sends.Count; i++)
        {
            var send = sends[i];
            if (!members.Contains((send.ConversationId, send.SenderId)))
            {
                results[i] = new AppendResult(AppendStatus.NotMember, null);
                continue;
            }

            var idempotencyKey = (send.ConversationId, send.SenderId, send.ClientMsgId);
            if (originals.TryGetValue(idempotencyKey, out var original))
            {
                results[i] = new AppendResult(AppendStatus.Duplicate, original);
                continue;
            }

            var conversation = conversations[send.ConversationId];
            var message = new MessageEntity
            {
                Id = send.MessageId,
                ConversationId = send.ConversationId,
                Seq = conversation.LastSeq + 1,
                SenderId = send.SenderId,
                ClientMsgId = send.ClientMsgId,
                Text = send.Text,
                CreatedAt = createdAt,
                ReplyToSeq = send.Extras?.ReplyToSeq,
                ForwardedFromSenderId = send.Extras?.ForwardedFromSenderId,
                ForwardedFromCreatedAt = send.Extras?.ForwardedFromCreatedAt,
                Mentions = send.Extras?.Mentions,
                AttachmentId = send.Extras?.AttachmentId,
            };
            if (!await commands.TryInsertAsync(message, cancellationToken))
            {
                original = await commands.FindOriginalAsync(send.ConversationId, send.SenderId, send.ClientMsgId, cancellationToken);
                originals[idempotencyKey] = original;
                results[i] = new AppendResult(AppendStatus.Duplicate, original);
                continue;
            }

            originals[idempotencyKey] = message;
            // In the message's own transaction: announced exactly when stored.
            if (announce && outbox.MessageCreated(message) is { } created)
                await commands.AddWebhookEventAsync(created, cancellationToken);
            conversation.LastSeq = message.Seq;
            conversation.UpdatedAt = Math.Max(conversation.UpdatedAt, createdAt);
            moved.Add(conversation.Id);
            readers[(send.ConversationId, send.SenderId)] = message.Seq;
            results[i] = new AppendResult(AppendStatus.Created, message);
        }

        // Each conversation and each sender's read marker written once per batch, at its final value.
        foreach (var conversationId in moved)
        {
            var conversation = conversations[conversationId];
            await commands.AdvanceConversationAsync(conversationId, conversation.LastSeq, conversation.UpdatedAt, cancellationToken);
        }

        foreach (var ((conversationId, userId), seq) in readers)
            await commands.AdvanceReaderAsync(conversationId, userId, seq, cancellationToken);
        await commands.FlushAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>
    /// The batch's conversation rows. On PostgreSQL they are locked in id order until the commit — two nodes appending
    /// to one conversation take turns instead of both taking the same seq — and id order means two batches never
    /// wait for each other in a cycle.
    /// </summary>
    private static IQueryable<ConversationEntity> ConversationsForUpdate(TokenImDbContext db, List<string> conversationIds)
    {
        if (!db.Database.IsNpgsql())
            return db.Conversations.AsNoTracking().Where(c => conversationIds.Contains(c.Id));
        var ids = conversationIds.ToArray();
        return db.Conversations.FromSqlInterpolated($"""SELECT * FROM "conversations" WHERE "Id" = ANY({ids}) ORDER BY "Id" FOR UPDATE""").AsNoTracking();
    }

    public async Task<IReadOnlyList<MessageEntity>> GetMessagesAsync(
        string conversationId, long? afterSeq, long? beforeSeq, int take, bool fromHighEnd, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        var query = db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId);
        if (afterSeq is { } after)
            query = query.Where(m => m.Seq > after);
        if (beforeSeq is { } before)
            query = query.Where(m => m.Seq < before);
        query = fromHighEnd ? query.OrderByDescending(m => m.Seq) : query.OrderBy(m => m.Seq);
        return await query.Take(take).ToListAsync(cancellationToken);
    }
}
