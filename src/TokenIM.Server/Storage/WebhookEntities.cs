using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>A webhook endpoint (server API). On the directory database, like the API keys.</summary>
internal sealed class WebhookEndpointEntity
{
    /// <summary><c>we_</c> and 32 hex digits.</summary>
    public required string Id { get; init; }

    /// <summary>An absolute http or https URL.</summary>
    public required string Url { get; set; }

    /// <summary>The subscribed event types, space-separated (see WebhookEventTypes).</summary>
    public required string Events { get; set; }

    public string? Description { get; set; }

    /// <summary>
    /// The signing secret (<c>whsec_…</c>). Kept as it is, not hashed: every request is signed with it, so the server
    /// must be able to read it back.
    /// </summary>
    public required string Secret { get; set; }

    public bool Enabled { get; set; } = true;

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; set; }
}

/// <summary>
/// One event in a database's outbox, written in the transaction of the change it announces (so it exists exactly
/// when the change committed). A conversation's events live on its shard, a user's on the directory. The dispatcher
/// turns each into one delivery per subscribed endpoint and sets <see cref="Dispatched"/>.
/// </summary>
internal sealed class WebhookEventEntity
{
    /// <summary>Database-assigned, increasing: the outbox's order, and within one conversation its commit order (its row lock serializes them).</summary>
    public long Seq { get; init; }

    /// <summary><c>evt_</c> and 32 hex digits.</summary>
    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary>What deliveries are ordered by per endpoint: the conversation id, or <c>user:</c> and the user id.</summary>
    public required string OrderKey { get; init; }

    /// <summary>The request body: the WebhookEvent as JSON, serialized once.</summary>
    public required string Payload { get; init; }

    public long CreatedAt { get; init; }

    public bool Dispatched { get; set; }
}

/// <summary>One event to one endpoint: its state, attempts and schedule (the delivery log).</summary>
internal sealed class WebhookDeliveryEntity
{
    /// <summary><c>dlv_</c> and 32 hex digits: unique across every database.</summary>
    public required string Id { get; init; }

    public required string EndpointId { get; init; }

    public long EventSeq { get; init; }

    public required string EventId { get; init; }

    public required string EventType { get; init; }

    public required string OrderKey { get; init; }

    /// <summary>See <see cref="WebhookDeliveryStates"/>.</summary>
    public int State { get; set; }

    public int Attempts { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public long? LastAttemptAt { get; set; }

    public long NextAttemptAt { get; set; }

    public long CreatedAt { get; init; }
}

internal static class WebhookDeliveryStates
{
    public const int Pending = 0;
    public const int Delivered = 1;
    public const int Dead = 2;

    public static string Name(int state) => state switch { Delivered => "delivered", Dead => "dead", _ => "pending" };

    public static int? Parse(string? name) => name switch { "pending" => Pending, "delivered" => Delivered, "dead" => Dead, _ => null };
}

/// <summary>Who delivers a database's outbox, until when: one row per database, taken over once it expires.</summary>
internal sealed class WebhookLeaseEntity
{
    public required string Name { get; init; }

    public required string Holder { get; set; }

    public long ExpiresAt { get; set; }
}

internal static class WebhookModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WebhookEndpointEntity>(e =>
        {
            e.ToTable("webhook_endpoints");
            e.HasKey(w => w.Id);
            e.Property(w => w.Id).HasMaxLength(40);
            e.Property(w => w.Url).HasMaxLength(2048);
            e.Property(w => w.Events).HasMaxLength(256);
            e.Property(w => w.Description).HasMaxLength(256);
            e.Property(w => w.Secret).HasMaxLength(128);
        });

        modelBuilder.Entity<WebhookEventEntity>(e =>
        {
            e.ToTable("webhook_events");
            e.HasKey(w => w.Seq);
            e.Property(w => w.Seq).ValueGeneratedOnAdd();
            e.Property(w => w.Id).HasMaxLength(40);
            e.Property(w => w.Type).HasMaxLength(40);
            // The dispatcher's scan: the undispatched rows, oldest first.
            e.HasIndex(w => new { w.Dispatched, w.Seq });
        });

        modelBuilder.Entity<WebhookDeliveryEntity>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).HasMaxLength(40);
            e.Property(d => d.EndpointId).HasMaxLength(40);
            e.Property(d => d.EventId).HasMaxLength(40);
            e.Property(d => d.EventType).HasMaxLength(40);
            e.Property(d => d.LastError).HasMaxLength(256);
            // The head of each (endpoint, order key) queue, and "is there an earlier pending one".
            e.HasIndex(d => new { d.State, d.EndpointId, d.OrderKey, d.EventSeq });
            // The log: one endpoint's rows, newest first.
            e.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        });

        modelBuilder.Entity<WebhookLeaseEntity>(e =>
        {
            e.ToTable("webhook_leases");
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(64);
            e.Property(l => l.Holder).HasMaxLength(64);
        });
    }
}
