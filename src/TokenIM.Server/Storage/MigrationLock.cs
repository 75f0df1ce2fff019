using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// Migrates one PostgreSQL database under a session-level advisory lock, so nodes starting together on an empty or
/// older store apply each migration once, one node after another; the others wait, then find nothing left to do.
/// </summary>
/// <remarks>
/// EF Core 10 with Npgsql 10 does take a migrations lock (<c>LOCK TABLE "__EFMigrationsHistory"</c>), but only inside
/// one migration's transaction: six nodes migrating an empty store at once still failed with <c>42P07 relation
/// already exists</c> and <c>42701 column already exists</c> (tests/…/Storage/MigrationRaceTests.cs). The advisory
/// lock is held on the connection for the whole run, across every migration's transaction. SQLite needs nothing
/// more: EF Core's <c>__EFMigrationsLock</c> row held there (the same test passes without help).
/// </remarks>
internal static class MigrationLock
{
    /// <summary>The advisory lock's key: fixed forever, so every version of TokenIM takes the same lock ("TokenIM" in ASCII).</summary>
    public const long Key = 0x546F6B656E494D;

    public static async Task MigrateAsync(TokenImDbContext db, CancellationToken cancellationToken)
    {
        // The context keeps a connection it did not open itself, so the lock and every migration share one session.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({Key})", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            // Also released when the session ends, so a node that dies here does not block the others for ever.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({Key})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }
}
