using Microsoft.EntityFrameworkCore;
using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Storage;

/// <summary>Replies, forwards, mention counts and the member's own settings (see <see cref="ISocialStore"/>).</summary>
internal sealed partial class EfChatStore : ISocialStore
{
    // FindMessageByIdAsync: one method serves this interface and IMessageChangeStore (EfChatStore.Changes.cs).

    public async Task<IReadOnlyList<QuotedMessage>> GetQuotedAsync(string conversationId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await (
            from m in db.Messages.AsNoTracking()
            where m.ConversationId == conversationId && seqs.Contains(m.Seq)
            join a in db.Attachments.AsNoTracking() on m.AttachmentId equals a.Id into files
            from a in files.DefaultIfEmpty()
            select new QuotedMessage(m.Id, m.Seq, m.SenderId, m.Text, m.RecalledAt != null, a == null ? null : a.Name)).ToListAsync(cancellationToken);
    }

    public async Task<string?> FindAttachmentNameAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Attachments.AsNoTracking()
            .Where(a => a.ConversationId == conversationId && a.Id == attachmentId)
            .Select(a => a.Name)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, long>> MentionCountsByMemberAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await (
            from me in db.Members
            where me.ConversationId == conversationId
            join m in db.Messages on me.ConversationId equals m.ConversationId
            where m.Mentions != null && m.Seq > me.ReadSeq
                && (m.Mentions.StartsWith(MessageEntity.MentionAll) || (" " + m.Mentions + " ").Contains(" " + me.UserId + " "))
            group m by me.UserId into g
            select new { UserId = g.Key, Count = g.LongCount() }).ToDictionaryAsync(x => x.UserId, x => x.Count, StringComparer.Ordinal, cancellationToken);
    }

    public async Task<bool> UpdateSettingsAsync(
        string conversationId, string userId, ConversationSettingsRequest settings, long now, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        var member = await db.Members.FirstOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken);
        if (member is null)
            return false;
        if (settings.Muted is { } muted)
            member.Muted = muted;
        // Pinning again keeps the first pin's time, so a repeated request does not reorder the list.
        if (settings.Pinned is { } pinned)
            member.PinnedAt = pinned ? member.PinnedAt ?? now : null;
        if (settings.Archived is { } archived)
            member.ArchivedAt = archived ? member.ArchivedAt ?? now : null;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Per conversation of <paramref name="mine"/> (the user's memberships on this shard): the unread messages that
    /// mention the user or everyone. One query for the whole list, over the mentions index (only messages that
    /// mention someone are in it).
    /// </summary>
    private static async Task<Dictionary<string, long>> MentionCountsAsync(
        TokenImDbContext db, IQueryable<MemberEntity> mine, string userId, CancellationToken cancellationToken)
    {
        var token = " " + userId + " ";
        return await (
            from me in mine
            join m in db.Messages on me.ConversationId equals m.ConversationId
            where m.Mentions != null && m.Seq > me.ReadSeq
                && (m.Mentions.StartsWith(MessageEntity.MentionAll) || (" " + m.Mentions + " ").Contains(token))
            group m by m.ConversationId into g
            select new { ConversationId = g.Key, Count = g.LongCount() }).ToDictionaryAsync(x => x.ConversationId, x => x.Count, StringComparer.Ordinal, cancellationToken);
    }

    private static Task<long> MentionCountAsync(TokenImDbContext db, string conversationId, string userId, long readSeq, CancellationToken cancellationToken)
    {
        var token = " " + userId + " ";
        return db.Messages.LongCountAsync(
            m => m.ConversationId == conversationId && m.Mentions != null && m.Seq > readSeq
                && (m.Mentions.StartsWith(MessageEntity.MentionAll) || (" " + m.Mentions + " ").Contains(token)),
            cancellationToken);
    }

    /// <summary>The list's order: pinned first (the most recent pin first), then by activity, then by id.</summary>
    private static IEnumerable<ConversationView> InListOrder(IEnumerable<ConversationView> views) =>
        views.OrderByDescending(v => v.Self.PinnedAt ?? long.MinValue)
            .ThenByDescending(v => v.Conversation.UpdatedAt)
            .ThenBy(v => v.Conversation.Id, StringComparer.Ordinal);
}
