using Microsoft.EntityFrameworkCore;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Webhooks;

namespace TokenIM.Server.Storage;

/// <summary>
/// <see cref="IChatStore"/> over EF Core, on one database (SQLite) or on conversation shards (PostgreSQL). A
/// singleton: each operation uses a pooled context of its own, so the group-commit writer and concurrent requests
/// never share one. Every operation on a conversation goes to its shard; a user's list and presence audience read the
/// user's index first (<see cref="UserConversationIndex"/>) and then ask only the shards holding their conversations.
/// Read-then-write sequences lock: on SQLite every transaction begins IMMEDIATE (Microsoft.Data.Sqlite's default), on
/// PostgreSQL the conversation rows are read <c>FOR UPDATE</c>, so changes to one conversation are serialized across
/// every node.
/// </summary>
internal sealed partial class EfChatStore(StoreShards shards, UserConversationIndex index, MembershipCache cache, WebhookOutbox outbox) : IChatStore
{
    public int ShardCount => shards.All.Count;

    public int ShardOf(string conversationId) => shards.IndexOf(conversationId);

    public async Task<bool> TryCreateConversationAsync(ConversationEntity conversation, IReadOnlyList<MemberEntity> members, CancellationToken cancellationToken, string? actorId = null)
    {
        var shard = shards.For(conversation.Id);
        await using var db = shard.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await index.AddAsync(shard, db, conversation.Id, [.. members.Select(m => m.UserId)], cancellationToken);
        db.Conversations.Add(conversation);
        db.Members.AddRange(members);
        // The announcement commits with the conversation, or neither does.
        var created = outbox.ConversationCreated(conversation, members, actorId);
        if (created is not null)
            db.WebhookEvents.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (conversation.DirectKey is not null && DbErrors.IsUniqueViolation(e))
        {
            return false;
        }

        if (created is not null)
            outbox.NotifyWritten(shard.Index);

        // The members' presence audiences grew.
        await cache.ChangedAsync(conversation.Id, [.. members.Select(m => m.UserId)]);
        return true;
    }

    public async Task<ConversationEntity?> FindDirectAsync(string directKey, string conversationId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.DirectKey == directKey, cancellationToken);
    }

    public async Task<ConversationView?> GetConversationAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
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
        var mentions = await MentionCountAsync(db, conversationId, userId, row.Member.ReadSeq, cancellationToken);
        return new ConversationView(row.Conversation, row.Member, memberIds, lastMessage, mentions);
    }

    public async Task<IReadOnlyList<ConversationView>> ListConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        var lists = await Task.WhenAll((await index.ShardsOfAsync(userId, cancellationToken)).Select(shard => ListOnShardAsync(shard, userId, cancellationToken)));
        return [.. InListOrder(lists.SelectMany(list => list))];
    }

    private static async Task<List<ConversationView>> ListOnShardAsync(Shard shard, string userId, CancellationToken cancellationToken)
    {
        // Four set-based queries per shard, whatever the list's length: memberships, member ids, last messages, mention counts.
        await using var db = shard.Create();
        var mine = db.Members.Where(me => me.UserId == userId);
        var rows = await mine.AsNoTracking()
            .Join(db.Conversations.AsNoTracking(), m => m.ConversationId, c => c.Id, (m, c) => new { Member = m, Conversation = c })
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
        var mentions = await MentionCountsAsync(db, mine, userId, cancellationToken);
        return [.. rows.Select(r => new ConversationView(
            r.Conversation, r.Member, [.. memberIds[r.Conversation.Id]], lastMessages.GetValueOrDefault(r.Conversation.Id), mentions.GetValueOrDefault(r.Conversation.Id)))];
    }

    public async Task<Membership?> FindMembershipAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        var row = await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.UserId == userId)
            .Join(db.Conversations.AsNoTracking(), m => m.ConversationId, c => c.Id, (m, c) => new { Member = m, c.Type, c.LastSeq })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new Membership(row.Member, row.Type, row.LastSeq);
    }

    public ValueTask<MemberRoster?> GetRosterAsync(string conversationId, CancellationToken cancellationToken) =>
        cache.GetRosterAsync(conversationId, async () =>
        {
            await using var db = shards.For(conversationId).Create();
            // No members: no such conversation (or one everybody left), which nobody can act in.
            var memberIds = await MemberIdsAsync(db, conversationId, cancellationToken);
            return memberIds.Count == 0 ? null : new MemberRoster(memberIds);
        });

    public async Task<IReadOnlyList<MemberEntity>> GetMembersAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Members.AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .ToListAsync(cancellationToken);
    }

    public async Task<Result<T>> ChangeConversationAsync<T>(
        string conversationId, Func<ConversationState?, Result<Decision<T>>> decide, CancellationToken cancellationToken)
    {
        var shard = shards.For(conversationId);
        await using var db = shard.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await ConversationForUpdate(db, conversationId).FirstOrDefaultAsync(cancellationToken);
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
            // Index rows before the membership commits (a superset is harmless, a gap is not); removed ones after.
            await index.AddAsync(shard, db, conversationId, [.. change.Added.Select(m => m.UserId)], cancellationToken);
            Apply(db, conversation, members, change);
            db.WebhookEvents.AddRange(outbox.MembersChanged(conversationId, change));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (change is not null)
        {
            if (outbox.Any)
                outbox.NotifyWritten(shard.Index);
            await index.RemoveAsync(conversationId, change.Removed, cancellationToken);
            await cache.ChangedAsync(conversationId, [.. members.Select(m => m.UserId).Concat(change.Added.Select(m => m.UserId))]);
        }

        return value!;
    }

    /// <summary>The conversation's row, locked until the transaction ends on PostgreSQL (SQLite's IMMEDIATE transaction already holds the write lock).</summary>
    private static IQueryable<ConversationEntity> ConversationForUpdate(TokenImDbContext db, string conversationId) =>
        db.Database.IsNpgsql()
            ? db.Conversations.FromSqlInterpolated($"""SELECT * FROM "conversations" WHERE "Id" = {conversationId} FOR UPDATE""")
            : db.Conversations.Where(c => c.Id == conversationId);

    public async Task<bool> AdvanceReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Members
            .Where(m => m.ConversationId == conversationId && m.UserId == userId && m.ReadSeq < seq)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ReadSeq, seq), cancellationToken) > 0;
    }

    /// <remarks>
    /// Presence is best effort: while a shard is unreachable the audience is what the reachable shards know (not
    /// cached), so a socket still opens and its user still hears of most contacts.
    /// </remarks>
    public async Task<IReadOnlyList<string>> GetPresenceAudienceAsync(string userId, int maxGroupSize, CancellationToken cancellationToken)
    {
        try
        {
            return (await cache.GetAudienceAsync(userId, async () => await LoadAudienceAsync(userId, maxGroupSize, skipUnreachable: false, cancellationToken)))!;
        }
        catch (Exception e) when (StoreUnavailableException.IsUnreachable(e))
        {
            return await LoadAudienceAsync(userId, maxGroupSize, skipUnreachable: true, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<string>> LoadAudienceAsync(string userId, int maxGroupSize, bool skipUnreachable, CancellationToken cancellationToken)
    {
        var shardsOfUser = await OrWhenUnreachableAsync(() => index.ShardsOfAsync(userId, cancellationToken), skipUnreachable, []);
        var audiences = await Task.WhenAll(shardsOfUser.Select(shard =>
            OrWhenUnreachableAsync(() => AudienceOnShardAsync(shard, userId, maxGroupSize, cancellationToken), skipUnreachable, [])));
        return audiences.Length == 1 ? audiences[0] : [.. audiences.SelectMany(a => a).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The read's result, or <paramref name="fallback"/> when <paramref name="skipUnreachable"/> and its database is unreachable.</summary>
    private static async Task<T> OrWhenUnreachableAsync<T>(Func<Task<T>> read, bool skipUnreachable, T fallback)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (skipUnreachable && StoreUnavailableException.IsUnreachable(e))
        {
            return fallback;
        }
    }

    private static async Task<List<string>> AudienceOnShardAsync(Shard shard, string userId, int maxGroupSize, CancellationToken cancellationToken)
    {
        await using var db = shard.Create();
        return await (
            from me in db.Members
            where me.UserId == userId
            join c in db.Conversations on me.ConversationId equals c.Id
            where c.Type == ConversationTypes.Direct || c.MemberCount <= maxGroupSize
            join other in db.Members on c.Id equals other.ConversationId
            where other.UserId != userId
            select other.UserId).Distinct().ToListAsync(cancellationToken);
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
}
