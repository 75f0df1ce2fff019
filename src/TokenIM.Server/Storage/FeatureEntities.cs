using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>One user's reaction with one emoji on one message; on the conversation's shard.</summary>
internal sealed class ReactionEntity
{
    public required string ConversationId { get; init; }

    public long Seq { get; init; }

    public required string Emoji { get; init; }

    public required string UserId { get; init; }

    /// <summary>Orders the "who" list, and the emoji by their first use.</summary>
    public long CreatedAt { get; init; }
}

/// <summary>A message the user deleted for themselves only; on the conversation's shard.</summary>
internal sealed class HiddenMessageEntity
{
    public required string ConversationId { get; init; }

    public required string UserId { get; init; }

    public long Seq { get; init; }
}

/// <summary>
/// A file uploaded to a conversation; on the conversation's shard. The bytes live in the attachment store under
/// <see cref="BlobKey"/> (content-addressed, so a forward shares them). Each row goes into at most one message.
/// </summary>
internal sealed class AttachmentEntity
{
    public required string Id { get; init; }

    public required string ConversationId { get; init; }

    public required string UploaderId { get; init; }

    /// <summary>The cleaned file name.</summary>
    public required string Name { get; init; }

    /// <summary>Sniffed from the content.</summary>
    public required string ContentType { get; init; }

    public long Size { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    /// <summary>The key of the bytes in the attachment store (the SHA-256 of the content, hex).</summary>
    public required string BlobKey { get; init; }

    /// <summary>The key of the thumbnail's bytes, for images.</summary>
    public string? ThumbnailKey { get; init; }

    public long CreatedAt { get; init; }

    /// <summary>
    /// The seq of the message that carries it, set after that message committed (a hint: the message's
    /// <see cref="MessageEntity.AttachmentId"/> is the truth, so a crash in between loses nothing). Unsent uploads
    /// are deleted after a day.
    /// </summary>
    public long? MessageSeq { get; set; }
}

/// <summary>The user blocked <see cref="BlockedUserId"/>: no direct messages from them. On the directory database.</summary>
internal sealed class BlockEntity
{
    public required string UserId { get; init; }

    public required string BlockedUserId { get; init; }

    public long CreatedAt { get; init; }
}

/// <summary>The mapping of the messaging features' tables.</summary>
internal static class FeatureModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReactionEntity>(e =>
        {
            e.ToTable("reactions");
            e.HasKey(r => new { r.ConversationId, r.Seq, r.Emoji, r.UserId });
            e.Property(r => r.Emoji).HasMaxLength(16);
            e.HasOne<ConversationEntity>().WithMany().HasForeignKey(r => r.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<HiddenMessageEntity>(e =>
        {
            e.ToTable("hidden_messages");
            e.HasKey(h => new { h.ConversationId, h.UserId, h.Seq });
            e.HasOne<ConversationEntity>().WithMany().HasForeignKey(h => h.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AttachmentEntity>(e =>
        {
            e.ToTable("attachments");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(64);
            e.HasIndex(a => new { a.ConversationId, a.MessageSeq });
            // The cleanup of unsent uploads, and how many rows share a blob before it is deleted.
            e.HasIndex(a => a.CreatedAt);
            e.HasIndex(a => a.BlobKey);
            e.Property(a => a.Name).HasMaxLength(255);
            e.Property(a => a.ContentType).HasMaxLength(128);
            e.Property(a => a.BlobKey).HasMaxLength(64);
            e.Property(a => a.ThumbnailKey).HasMaxLength(80);
            e.HasOne<ConversationEntity>().WithMany().HasForeignKey(a => a.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<BlockEntity>(e =>
        {
            e.ToTable("blocks");
            e.HasKey(b => new { b.UserId, b.BlockedUserId });
        });
    }
}
