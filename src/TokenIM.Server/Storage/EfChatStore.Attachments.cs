using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>The rows of uploaded files: on the conversation's shard, except the two cross-shard questions of a download and of the cleanup.</summary>
internal sealed partial class EfChatStore : IAttachmentStore
{
    public async Task AddAttachmentAsync(AttachmentEntity attachment, CancellationToken cancellationToken)
    {
        await using var db = shards.For(attachment.ConversationId).Create();
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<AttachmentEntity?> FindAttachmentAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Attachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == attachmentId && a.ConversationId == conversationId, cancellationToken);
    }

    public async Task<AttachmentEntity?> FindAttachmentAnywhereAsync(string attachmentId, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(shards.All.Select(async shard =>
        {
            await using var db = shard.Create();
            return await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, cancellationToken);
        }));
        return found.FirstOrDefault(a => a is not null);
    }

    public async Task<(string SenderId, string ClientMsgId)?> FindAttachmentSenderAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        // The filtered (conversation, attachment) index of messages serves this.
        await using var db = shards.For(conversationId).Create();
        var sender = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.AttachmentId == attachmentId)
            .Select(m => new { m.SenderId, m.ClientMsgId })
            .FirstOrDefaultAsync(cancellationToken);
        return sender is null ? null : (sender.SenderId, sender.ClientMsgId);
    }

    public async Task<IReadOnlyList<AttachmentEntity>> GetAttachmentsAsync(
        string conversationId, IReadOnlyCollection<string> attachmentIds, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Attachments.AsNoTracking()
            .Where(a => a.ConversationId == conversationId && attachmentIds.Contains(a.Id))
            .ToListAsync(cancellationToken);
    }

    public async Task MarkAttachmentSentAsync(string conversationId, string attachmentId, long seq, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        await db.Attachments.Where(a => a.Id == attachmentId && a.ConversationId == conversationId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.MessageSeq, seq), cancellationToken);
    }

    public async Task<IReadOnlyList<AttachmentEntity>> DeleteUnsentAttachmentsAsync(long createdBefore, int max, CancellationToken cancellationToken)
    {
        var deleted = new List<AttachmentEntity>();
        foreach (var shard in shards.All)
        {
            await using var db = shard.Create();
            // MessageSeq is only a hint (set after the commit): the messages' own column decides what is unsent.
            var stale = await db.Attachments.AsNoTracking()
                .Where(a => a.CreatedAt < createdBefore && a.MessageSeq == null
                    && !db.Messages.Any(m => m.ConversationId == a.ConversationId && m.AttachmentId == a.Id))
                .OrderBy(a => a.CreatedAt)
                .Take(max - deleted.Count)
                .ToListAsync(cancellationToken);
            foreach (var row in stale)
            {
                // Deleted one by one with the same condition: a send that commits meanwhile keeps its row, and a row
                // another node deleted first counts for that node only.
                if (await DeleteIfUnsentAsync(db, row, cancellationToken))
                    deleted.Add(row);
            }
            if (deleted.Count >= max)
                break;
        }
        return deleted;
    }

    public async Task<AttachmentEntity?> DeleteAttachmentIfUnsentAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        var row = await db.Attachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == attachmentId && a.ConversationId == conversationId, cancellationToken);
        return row is not null && await DeleteIfUnsentAsync(db, row, cancellationToken) ? row : null;
    }

    public async Task<bool> IsBlobReferencedAsync(string blobKey, CancellationToken cancellationToken)
    {
        var referenced = await Task.WhenAll(shards.All.Select(async shard =>
        {
            await using var db = shard.Create();
            // A thumbnail's key is its file's key plus a suffix (AttachmentKeys), so the file's rows answer for both.
            return await db.Attachments.AnyAsync(a => a.BlobKey == blobKey, cancellationToken);
        }));
        return referenced.Any(r => r);
    }

    private static async Task<bool> DeleteIfUnsentAsync(TokenImDbContext db, AttachmentEntity row, CancellationToken cancellationToken) =>
        await db.Attachments
            .Where(a => a.Id == row.Id && !db.Messages.Any(m => m.ConversationId == a.ConversationId && m.AttachmentId == a.Id))
            .ExecuteDeleteAsync(cancellationToken) > 0;
}
