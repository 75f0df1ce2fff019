using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// The one model of every provider. Each provider derives a thin context of its own so that it keeps a
/// migrations set of its own (<c>Migrations/Sqlite</c> now, <c>Migrations/Postgres</c> with scale-out).
/// </summary>
internal abstract class TokenImDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<UserEntity> Users => Set<UserEntity>();

    public DbSet<SessionEntity> Sessions => Set<SessionEntity>();

    public DbSet<RefreshTokenEntity> RefreshTokens => Set<RefreshTokenEntity>();

    public DbSet<ApiKeyEntity> ApiKeys => Set<ApiKeyEntity>();

    public DbSet<ConversationEntity> Conversations => Set<ConversationEntity>();

    public DbSet<MemberEntity> Members => Set<MemberEntity>();

    public DbSet<MessageEntity> Messages => Set<MessageEntity>();

    public DbSet<UserConversationEntity> UserConversations => Set<UserConversationEntity>();

    public DbSet<ReactionEntity> Reactions => Set<ReactionEntity>();

    public DbSet<HiddenMessageEntity> HiddenMessages => Set<HiddenMessageEntity>();

    public DbSet<AttachmentEntity> Attachments => Set<AttachmentEntity>();

    public DbSet<BlockEntity> Blocks => Set<BlockEntity>();

    public DbSet<WebhookEndpointEntity> WebhookEndpoints => Set<WebhookEndpointEntity>();

    public DbSet<WebhookEventEntity> WebhookEvents => Set<WebhookEventEntity>();

    public DbSet<WebhookDeliveryEntity> WebhookDeliveries => Set<WebhookDeliveryEntity>();

    public DbSet<WebhookLeaseEntity> WebhookLeases => Set<WebhookLeaseEntity>();

    public DbSet<StoreMetaEntity> StoreMeta => Set<StoreMetaEntity>();

    /// <summary>
    /// Whether users and conversations share one database: then members refer to users by a foreign key. Sharded
    /// stores keep users on the directory, so a member's user id is checked by the domain, not the database.
    /// </summary>
    protected abstract bool SingleDatabase { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<UserEntity>(e =>
        {
            e.ToTable("users");
            e.HasKey(u => u.Id);
            e.HasIndex(u => u.Username).IsUnique();
            e.Property(u => u.Username).HasMaxLength(32);
            e.Property(u => u.DisplayName).HasMaxLength(64);
            // Unique where set: both providers let any number of rows leave it null.
            e.HasIndex(u => u.ExternalId).IsUnique();
            e.Property(u => u.ExternalId).HasMaxLength(128);
        });

        modelBuilder.Entity<ApiKeyEntity>(e =>
        {
            // Account-side, like users: on the directory database.
            e.ToTable("api_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasMaxLength(32);
            e.Property(k => k.Name).HasMaxLength(64);
            e.Property(k => k.Scopes).HasMaxLength(256);
        });

        modelBuilder.Entity<SessionEntity>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(s => s.Id);
            e.HasIndex(s => s.UserId);
            e.Property(s => s.DeviceName).HasMaxLength(64);
            e.Property(s => s.Address).HasMaxLength(64);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.HasOne<UserEntity>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<RefreshTokenEntity>(e =>
        {
            e.ToTable("refresh_tokens");
            e.HasKey(t => t.Hash);
            e.HasIndex(t => t.SessionId);
            e.HasOne<SessionEntity>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationEntity>(e =>
        {
            e.ToTable("conversations");
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.DirectKey).IsUnique();
            e.Property(c => c.Type).HasMaxLength(16);
            e.Property(c => c.Title).HasMaxLength(100);
        });

        modelBuilder.Entity<MemberEntity>(e =>
        {
            e.ToTable("members");
            e.HasKey(m => new { m.ConversationId, m.UserId });
            e.HasIndex(m => m.UserId);
            e.Property(m => m.Role).HasMaxLength(16);
            e.HasOne<ConversationEntity>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            if (SingleDatabase)
                e.HasOne<UserEntity>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<MessageEntity>(e =>
        {
            e.ToTable("messages");
            // (conversation, seq) is the primary key: history pages are range scans of it, and it makes
            // a repeated seq impossible.
            e.HasKey(m => new { m.ConversationId, m.Seq });
            // A partitioned table's unique indexes must contain its partition key (the conversation).
            if (SingleDatabase)
                e.HasIndex(m => m.Id).IsUnique();
            else
                e.HasIndex(m => new { m.ConversationId, m.Id }).IsUnique();
            e.HasIndex(m => new { m.ConversationId, m.SenderId, m.ClientMsgId }).IsUnique();
            e.Property(m => m.ClientMsgId).HasMaxLength(64);
            // The change feed (GET …/changes) is a range scan of it; only changed messages are in it, so a send
            // pays nothing for it.
            e.HasIndex(m => new { m.ConversationId, m.ChangeSeq }).HasFilter("\"ChangeSeq\" > 0");
            // The mention count reads only messages that mention someone, and a file's cleanup asks whether a
            // message carries it: both indexes hold those messages alone.
            e.HasIndex(m => new { m.ConversationId, m.Seq }, "IX_messages_mentions").HasFilter("\"Mentions\" IS NOT NULL");
            e.HasIndex(m => new { m.ConversationId, m.AttachmentId }).HasFilter("\"AttachmentId\" IS NOT NULL");
            e.Property(m => m.Mentions).HasMaxLength(2048);
            e.Property(m => m.AttachmentId).HasMaxLength(64);
            e.HasOne<ConversationEntity>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<UserConversationEntity>(e =>
        {
            e.ToTable("user_conversations");
            e.HasKey(u => new { u.UserId, u.ConversationId });
        });

        modelBuilder.Entity<StoreMetaEntity>(e =>
        {
            e.ToTable("store_meta");
            e.HasKey(m => m.Key);
            e.Property(m => m.Key).HasMaxLength(64);
        });

        FeatureModel.Configure(modelBuilder);
        WebhookModel.Configure(modelBuilder);
    }
}
