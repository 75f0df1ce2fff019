using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// The store's epoch (<see cref="StoreMeta.EpochKey"/> in <c>store_meta</c> on the directory database), read once at
/// start-up and sent in every <c>ready</c>. A restore writes a new one (<c>tokenim admin restore</c>), and nodes only
/// run on a restored store after a restart, so the value read at start-up stays true for the process's life.
/// </summary>
internal sealed class StoreEpoch
{
    private string? _value;

    /// <summary>The epoch; set by <see cref="StoreEpochExtensions.InitializeStoreEpochAsync"/> before the server takes traffic.</summary>
    public string Value => _value ?? throw new InvalidOperationException("The store epoch is read at start-up, after the migrations.");

    internal void Set(string value) => _value = value;

    /// <summary>A fresh epoch: 128 random bits as 32 lowercase hex digits (opaque to clients: only equality counts).</summary>
    public static string NewValue() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Inserts <paramref name="value"/> as the epoch unless one is there (the first of racing nodes wins), then reads the one that is.</summary>
    public static async Task<string> EnsureAsync(TokenImDbContext db, string value, CancellationToken cancellationToken)
    {
        // ON CONFLICT DO NOTHING is the same text in SQLite and PostgreSQL; nodes starting together each insert and
        // all read back the one row that won, never an error.
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO store_meta (\"Key\", \"Value\") VALUES ({StoreMeta.EpochKey}, {value}) ON CONFLICT DO NOTHING", cancellationToken);
        return await db.StoreMeta.AsNoTracking().Where(m => m.Key == StoreMeta.EpochKey).Select(m => m.Value).SingleAsync(cancellationToken);
    }

    /// <summary>
    /// Replaces the epoch whatever it was, on a plain ADO.NET connection to the directory database (SQLite or
    /// PostgreSQL: the same text): the last step of a restore.
    /// </summary>
    public static async Task ReplaceAsync(System.Data.Common.DbConnection connection, string value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO store_meta (\"Key\", \"Value\") VALUES (@key, @value) ON CONFLICT (\"Key\") DO UPDATE SET \"Value\" = excluded.\"Value\"";
        AddParameter(command, "key", StoreMeta.EpochKey);
        AddParameter(command, "value", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

internal static class StoreEpochExtensions
{
    /// <summary>Makes the epoch if the store has none (a new store, or one from before the "Operations" migration) and reads it.</summary>
    public static async Task InitializeStoreEpochAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var db = services.GetRequiredService<StoreShards>().Directory.Create();
        services.GetRequiredService<StoreEpoch>().Set(await StoreEpoch.EnsureAsync(db, StoreEpoch.NewValue(), cancellationToken));
    }
}
