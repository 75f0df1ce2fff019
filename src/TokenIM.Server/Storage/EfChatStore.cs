using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Storage;

/// <summary>
/// <see cref="IChatStore"/> over EF Core. A singleton: each operation uses a context of its own, so the
/// group-commit writer and concurrent requests never share one. On SQLite every transaction begins
/// IMMEDIATE (Microsoft.Data.Sqlite's default), so read-then-write sequences inside one are serialized.
/// </summary>
internal sealed class EfChatStore(Func<TokenImDbContext> createContext, MembershipCache cache) : IChatStore
{
    public async Task<bool> TryCreateConversationAsync(ConversationEntity conversation, IReadOnlyList<MemberEntity> members, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        db.Conversations.Add(conversation);
        db.Members.AddRange(members);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            // The members' presence audiences grew.
            await cache.ChangedAsync(conversation.Id, [.. members.Select(m => m.UserId)]);
            return true;
        }
        catch (DbUpdateException e) when (conversation.DirectKey is not null && IsUniqueViolation(e))
        {
            return false;
        }
    }

    public async Task<ConversationEntity?> FindDirectAsync(string directKey, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.DirectKey == directKey, cancellationToken);
    }

    public async Task<ConversationView?> GetConversationAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var row = await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.UserId == userId)
            .Join(db.Conversations.AsNoTracking(), m => m.ConversationId, c => c.Id, (m, c) => new { Member = m, Conversation = c })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return null;
        var memberIds = await MemberIdsAsync(db, conversationId, cancellationToken);
        var lastSeq = row.Conversation.LastSeq;
        var lastMessage = lastSeq == 0
            ? null
            : await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ConversationId == conversationId && m.Seq == lastSeq, cancellationToken);
        return new ConversationView(row.Conversation, row.Member, memberIds, lastMessage);
    }

    public async Task<IReadOnlyList<ConversationView>> ListConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        // Three set-based queries for the whole list, whatever its length: memberships, member ids, last messages.
        await using var db = createContext();
        var mine = db.Members.Where(me => me.UserId == userId);
        var rows = await mine.AsNoTracking()
            .Join(db.Conversations.AsNoTracking(), m => m.ConversationId, c => c.Id, (m, c) => new { Member = m, Conversation = c })
            .OrderByDescending(x => x.Conversation.UpdatedAt).ThenBy(x => x.Conversation.Id)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return [];
        var memberIds = (await db.Members.AsNoTracking()
                .Where(m => mine.Any(me => me.ConversationId == m.ConversationId))
                .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
                .Select(m => new { m.ConversationId, m.UserId })
                .ToListAsync(cancellationToken))
            .ToLookup(m => m.ConversationId, m => m.UserId, StringComparer.Ordinal);
        var lastMessages = await db.Messages.AsNoTracking()
            .Join(db.Conversations, m => new { m.ConversationId, m.Seq }, c => new { ConversationId = c.Id, Seq = c.LastSeq }, (m, _) => m)
            .Where(m => mine.Any(me => me.ConversationId == m.ConversationId))
            .ToDictionaryAsync(m => m.ConversationId, StringComparer.Ordinal, cancellationToken);
        return rows
            .Select(r => new ConversationView(r.Conversation, r.Member, [.. memberIds[r.Conversation.Id]], lastMessages.GetValueOrDefault(r.Conversation.Id)))
            .ToList();
    }

    public async Task<Membership?> FindMembershipAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var row = await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.UserId == userId)
            .Join(db.Conversations.AsNoTracking(), m => m.ConversationId, c => c.Id, (m, c) => new { Member = m, c.Type, c.LastSeq })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new Membership(row.Member, row.Type, row.LastSeq);
    }

    public ValueTask<MemberRoster?> GetRosterAsync(string conversationId, CancellationToken cancellationToken) =>
        cache.GetRosterAsync(conversationId, async () =>
        {
            await using var db = createContext();
            // No members: no such conversation (or one everybody left), which nobody can act in.
            var memberIds = await MemberIdsAsync(db, conversationId, cancellationToken);
            return memberIds.Count == 0 ? null : new MemberRoster(memberIds);
        });

    public async Task<IReadOnlyList<MemberEntity>> GetMembersAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .ToListAsync(cancellationToken);
    }

    public async Task<Result<T>> ChangeConversationAsync<T>(
        string conversationId, Func<ConversationState?, Result<Decision<T>>> decide, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
        List<MemberEntity> members = conversation is null
            ? []
            : await db.Members
                .Where(m => m.ConversationId == conversationId)
                .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
                .ToListAsync(cancellationToken);
        // The decision sees detached copies: only the returned change is written.
        var decided = decide(conversation is null ? null : new ConversationState(Copy(conversation), [.. members.Select(Copy)]));
        if (decided.Error is { } failure)
            return failure;
        var (value, change) = decided.Value;
        if (change is not null && conversation is not null)
        {
            Apply(db, conversation, members, change);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (change is not null)
            await cache.ChangedAsync(conversationId, [.. members.Select(m => m.UserId).Concat(change.Added.Select(m => m.UserId))]);
        return value!;
    }

    public async Task<bool> AdvanceReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Members
            .Where(m => m.ConversationId == conversationId && m.UserId == userId && m.ReadSeq < seq)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ReadSeq, seq), cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<AppendRequest> sends, long createdAt, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Two set-based reads for the whole batch, whatever its size: the conversations and the senders' memberships.
        // Rows are then kept current in memory: several sends to one conversation take consecutive seqs, and the
        // transaction's write lock means nobody else moves them meanwhile. Repeats are found by the insert itself.
        var conversationIds = sends.Select(s => s.ConversationId).Distinct(StringComparer.Ordinal).ToList();
        var senderIds = sends.Select(s => s.SenderId).Distinct(StringComparer.Ordinal).ToList();
        var conversations = await db.Conversations.AsNoTracking()
            .Where(c => conversationIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, StringComparer.Ordinal, cancellationToken);
        var members = (await db.Members.AsNoTracking()
            .Where(m => conversationIds.Contains(m.ConversationId) && senderIds.Contains(m.UserId))
            .Select(m => new { m.ConversationId, m.UserId })
            .ToListAsync(cancellationToken))
            .Select(m => (m.ConversationId, m.UserId))
            .ToHashSet();
        // Sends earlier in this batch, for a repeat within the batch.
        var originals = new Dictionary<(string, string, string), MessageEntity>(sends.Count);
        await using var commands = new AppendCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction());
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
            };
            if (!await commands.TryInsertAsync(message, cancellationToken))
            {
                original = await commands.FindOriginalAsync(send.ConversationId, send.SenderId, send.ClientMsgId, cancellationToken);
                originals[idempotencyKey] = original;
                results[i] = new AppendResult(AppendStatus.Duplicate, original);
                continue;
            }

            originals[idempotencyKey] = message;
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
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public async Task<IReadOnlyList<MessageEntity>> GetMessagesAsync(
        string conversationId, long? afterSeq, long? beforeSeq, int take, bool fromHighEnd, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var query = db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId);
        if (afterSeq is { } after)
            query = query.Where(m => m.Seq > after);
        if (beforeSeq is { } before)
            query = query.Where(m => m.Seq < before);
        query = fromHighEnd ? query.OrderByDescending(m => m.Seq) : query.OrderBy(m => m.Seq);
        return await query.Take(take).ToListAsync(cancellationToken);
    }

    private static Task<List<string>> MemberIdsAsync(TokenImDbContext db, string conversationId, CancellationToken cancellationToken) =>
        db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .Select(m => m.UserId)
            .ToListAsync(cancellationToken);

    private static void Apply(TokenImDbContext db, ConversationEntity conversation, List<MemberEntity> members, ConversationChange change)
    {
        if (change.NewTitle is not null)
            conversation.Title = change.NewTitle;
        var removed = members.Where(m => change.Removed.Contains(m.UserId, StringComparer.Ordinal)).ToList();
        db.Members.RemoveRange(removed);
        db.Members.AddRange(change.Added);
        var current = members.Except(removed).Concat(change.Added).ToDictionary(m => m.UserId, StringComparer.Ordinal);
        foreach (var (userId, role) in change.Roles)
            current[userId].Role = role;
        conversation.MemberCount = current.Count;
    }

    private static ConversationEntity Copy(ConversationEntity c) => new()
    {
        Id = c.Id,
        Type = c.Type,
        Title = c.Title,
        DirectKey = c.DirectKey,
        LastSeq = c.LastSeq,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        MemberCount = c.MemberCount,
    };

    private static MemberEntity Copy(MemberEntity m) => new()
    {
        ConversationId = m.ConversationId,
        UserId = m.UserId,
        Role = m.Role,
        ReadSeq = m.ReadSeq,
        JoinedAt = m.JoinedAt,
    };

    public async Task<IReadOnlyList<string>> GetPresenceAudienceAsync(string userId, int maxGroupSize, CancellationToken cancellationToken) =>
        (await cache.GetAudienceAsync(userId, async () =>
        {
            await using var db = createContext();
            return await (
                from me in db.Members
                where me.UserId == userId
                join c in db.Conversations on me.ConversationId equals c.Id
                where c.Type == ConversationTypes.Direct || c.MemberCount <= maxGroupSize
                join other in db.Members on c.Id equals other.ConversationId
                where other.UserId != userId
                select other.UserId).Distinct().ToListAsync(cancellationToken);
        }))!;

    private static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is SqliteException { SqliteExtendedErrorCode: 2067 }; // SQLITE_CONSTRAINT_UNIQUE
}
