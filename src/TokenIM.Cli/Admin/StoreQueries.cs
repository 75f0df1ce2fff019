using System.Data.Common;
using System.Globalization;
using TokenIM.Server.Storage;

namespace TokenIM.Cli.Admin;

/// <summary>The plain queries backup and restore ask of a store's database, the same on SQLite and PostgreSQL.</summary>
internal static class StoreQueries
{
    /// <summary>The first column of the first row as text; null when there is none or it is empty.</summary>
    public static async Task<string?> ScalarAsync(DbConnection db, string sql, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null;
    }

    /// <summary>The last migration applied to the database (EF Core's history table).</summary>
    public static Task<string?> LastMigrationAsync(DbConnection db, CancellationToken cancellationToken) =>
        ScalarAsync(db, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\" DESC LIMIT 1", cancellationToken);

    /// <summary>The store's epoch; the caller knows <c>store_meta</c> exists.</summary>
    public static Task<string?> EpochAsync(DbConnection db, CancellationToken cancellationToken) =>
        ScalarAsync(db, $"SELECT \"Value\" FROM store_meta WHERE \"Key\" = '{StoreMeta.EpochKey}'", cancellationToken);
}
