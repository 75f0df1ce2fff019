using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>Edits, recalls, reactions and "deleted for me", each on the conversation's shard.</summary>
internal sealed partial class EfChatStore : IMessageChangeStore
{
    public async Task<MessageEntity?> FindMessageByIdAsync(string conversationId, string messageId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ConversationId == conversationId && m.Id == messageId, cancellationToken);
    }

    public async Task<Result<MessageChangeOutcome>> ChangeMessageAsync(
        string conversationId, string messageId, Func<MessageEntity?, Result<MessageChange?>> decide, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The lock first (PostgreSQL: the row, as the append takes it; SQLite: the IMMEDIATE transaction holds the
        // write lock), so two changes — on two nodes too — never take the same change seq.
        var conversation = await ConversationForUpdate(db, conversationId).FirstOrDefaultAsync(cancellationToken);
        var message = conversation is null
            ? null
            : await db.Messages.FirstOrDefaultAsync(m => m.ConversationId == conversationId && m.Id == messageId, cancellationToken);
        var decided = decide(message is null ? null : Copy(message));
        if (decided.Error is { } failure)
            return failure;
        if (decided.Value is not { } change || !await ApplyAsync(db, message!, change, cancellationToken))
            return new MessageChangeOutcome(message!, Changed: false);

        conversation!.LastChangeSeq++;
        message!.ChangeSeq = conversation.LastChangeSeq;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new MessageChangeOutcome(message, Changed: true);
    }

    /// <summary>Stages the change; false when it would change nothing.</summary>
    private static async Task<bool> ApplyAsync(TokenImDbContext db, MessageEntity message, MessageChange change, CancellationToken cancellationToken)
    {
        switch (change.Kind)
        {
            case MessageChangeKind.Edit:
                message.Text = change.Text!;
                message.Mentions = change.Mentions;
                message.EditedAt = change.At;
                return true;
            case MessageChangeKind.Recall:
                if (message.RecalledAt is not null)
                    return false;
                message.Text = "";
                message.Mentions = null;
                message.ReplyToSeq = null;
                message.AttachmentId = null;
                message.RecalledAt = change.At;
                message.RecalledBy = change.UserId;
                await db.Reactions.Where(r => r.ConversationId == message.ConversationId && r.Seq == message.Seq).ExecuteDeleteAsync(cancellationToken);
                return true;
            case MessageChangeKind.AddReaction:
                if (await db.Reactions.AnyAsync(r => r.ConversationId == message.ConversationId && r.Seq == message.Seq && r.Emoji == change.Emoji && r.UserId == change.UserId, cancellationToken))
                    return false;
                db.Reactions.Add(new ReactionEntity { ConversationId = message.ConversationId, Seq = message.Seq, Emoji = change.Emoji!, UserId = change.UserId, CreatedAt = change.At });
                return true;
            case MessageChangeKind.RemoveReaction:
                return await db.Reactions
                    .Where(r => r.ConversationId == message.ConversationId && r.Seq == message.Seq && r.Emoji == change.Emoji && r.UserId == change.UserId)
                    .ExecuteDeleteAsync(cancellationToken) > 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown change.");
        }
    }

    public async Task<IReadOnlyList<MessageEntity>> GetChangesAsync(string conversationId, long afterChangeSeq, int take, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        // "> 0" repeated so the planner can use the filtered index IX_messages_ConversationId_ChangeSeq.
        return await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.ChangeSeq > 0 && m.ChangeSeq > afterChangeSeq)
            .OrderBy(m => m.ChangeSeq)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    public async Task<bool> HideAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        if (await db.HiddenMessages.AnyAsync(h => h.ConversationId == conversationId && h.UserId == userId && h.Seq == seq, cancellationToken))
            return false;
        db.HiddenMessages.Add(new HiddenMessageEntity { ConversationId = conversationId, UserId = userId, Seq = seq });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same hide from another device at the same moment: it is hidden, once.
            return false;
        }
    }

    public async Task<IReadOnlyList<ReactionEntity>> GetReactionsAsync(string conversationId, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Reactions.AsNoTracking()
            .Where(r => r.ConversationId == conversationId && seqs.Contains(r.Seq))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.UserId)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> GetHiddenAsync(string conversationId, string userId, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
    {
        if (seqs.Count == 0)
            return [];
        // A range scan of the key (conversation, user, seq) rather than a list of every seq of the page.
        var (low, high) = (seqs.Min(), seqs.Max());
        await using var db = shards.For(conversationId).Create();
        var hidden = await db.HiddenMessages.AsNoTracking()
            .Where(h => h.ConversationId == conversationId && h.UserId == userId && h.Seq >= low && h.Seq <= high)
            .Select(h => h.Seq)
            .ToListAsync(cancellationToken);
        return hidden.Count == 0 ? hidden : [.. hidden.Intersect(seqs)];
    }

    private static MessageEntity Copy(MessageEntity m) => new()
    {
        Id = m.Id,
        ConversationId = m.ConversationId,
        Seq = m.Seq,
        SenderId = m.SenderId,
        ClientMsgId = m.ClientMsgId,
        Text = m.Text,
        CreatedAt = m.CreatedAt,
        ChangeSeq = m.ChangeSeq,
        EditedAt = m.EditedAt,
        RecalledAt = m.RecalledAt,
        RecalledBy = m.RecalledBy,
        ReplyToSeq = m.ReplyToSeq,
        ForwardedFromSenderId = m.ForwardedFromSenderId,
        ForwardedFromCreatedAt = m.ForwardedFromCreatedAt,
        Mentions = m.Mentions,
        AttachmentId = m.AttachmentId,
    };
}
