using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>
/// Several nodes starting at once on an empty store each migrate every database (as MigrateTokenImStoreAsync does)
/// and make the epoch: every node succeeds, each migration is applied once, and all nodes agree on one epoch. On
/// PostgreSQL that takes <see cref="MigrationLock"/> (EF Core's own lock alone failed this test); on SQLite, EF Core's
/// <c>__EFMigrationsLock</c> is enough.
/// </summary>
public sealed class MigrationRaceTests
{
    private const int Nodes = 6;

    [Fact]
    public async Task Migrate_SixNodesAtOnceOnEmptyPostgres_AllSucceedOneHistoryOneEpoch()
    {
        PostgresDatabases.SkipUnlessConfigured();
        var ct = TestContext.Current.CancellationToken;
        await using var databases = await PostgresDatabases.CreateAsync(3, ct);
        static PostgresTokenImDbContext Context(string connectionString) =>
            new(new DbContextOptionsBuilder<PostgresTokenImDbContext>().UseNpgsql(connectionString).Options);

        var epochs = await RaceAsync(async () =>
        {
            foreach (var connectionString in databases.ConnectionStrings)
            {
                await using var db = Context(connectionString);
                await MigrationLock.MigrateAsync(db, ct);
            }
            await using var directory = Context(databases.ConnectionStrings[0]);
            return await StoreEpoch.EnsureAsync(directory, StoreEpoch.NewValue(), ct);
        });

        await using var expected = Context(databases.ConnectionStrings[0]);
        var migrations = expected.Database.GetMigrations().ToList();
        for (var i = 0; i < databases.ConnectionStrings.Count; i++)
        {
            await using var connection = await databases.OpenAsync(i, ct);
            Assert.Equal(migrations, await ColumnAsync(new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY 1", connection)));
        }
        Assert.Single(epochs.Distinct());
    }

    [Fact]
    public async Task Migrate_SixNodesAtOnceOnEmptySqlite_AllSucceedOneHistoryOneEpoch()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(Path.GetTempPath(), $"tokenim-race-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={file};Pooling=False;Default Timeout=30";
        SqliteTokenImDbContext Context() => new(new DbContextOptionsBuilder<SqliteTokenImDbContext>().UseSqlite(connectionString).Options);
        try
        {
            var epochs = await RaceAsync(async () =>
            {
                await using var db = Context();
                await db.Database.MigrateAsync(ct);
                return await StoreEpoch.EnsureAsync(db, StoreEpoch.NewValue(), ct);
            });

            await using var expected = Context();
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(ct);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY 1";
            Assert.Equal(expected.Database.GetMigrations().ToList(), await ColumnAsync(command));
            Assert.Single(epochs.Distinct());
        }
        finally
        {
            foreach (var path in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(file) + "*"))
                File.Delete(path);
        }
    }

    /// <summary>Runs <paramref name="node"/> <see cref="Nodes"/> times at once, released together.</summary>
    private static async Task<string[]> RaceAsync(Func<Task<string>> node)
    {
        using var start = new Barrier(Nodes);
        return await Task.WhenAll(Enumerable.Range(0, Nodes).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            return node();
        })));
    }

    private static async Task<List<string>> ColumnAsync(System.Data.Common.DbCommand command)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            values.Add(reader.GetString(0));
        return values;
    }
}
