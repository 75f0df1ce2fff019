using Microsoft.EntityFrameworkCore;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>
/// The claim of one node to deliver one database's outbox: a row in that database with the holder and an expiry.
/// Taken when free or expired, renewed by its holder, released on a clean stop; a crashed holder's claim lapses and
/// another node takes over, so delivery is at least once across crashes and once otherwise.
/// </summary>
internal static class WebhookLease
{
    public const string Name = "webhooks";

    /// <summary>True when <paramref name="holder"/> holds the lease until <paramref name="until"/> after this call.</summary>
    public static async Task<bool> TryHoldAsync(Shard database, string holder, long now, long until, CancellationToken cancellationToken)
    {
        await using var db = database.Create();
        var renewed = await db.WebhookLeases
            .Where(l => l.Name == Name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (renewed > 0)
            return true;
        if (await db.WebhookLeases.AnyAsync(l => l.Name == Name, cancellationToken))
            return false;
        db.WebhookLeases.Add(new WebhookLeaseEntity { Name = Name, Holder = holder, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return false; // Another node made the row first.
        }
    }

    /// <summary>Gives the lease up, so another node takes over at its next try instead of after the expiry.</summary>
    public static async Task ReleaseAsync(Shard database, string holder, CancellationToken cancellationToken)
    {
        await using var db = database.Create();
        await db.WebhookLeases.Where(l => l.Name == Name && l.Holder == holder)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.ExpiresAt, 0L), cancellationToken);
    }
}
