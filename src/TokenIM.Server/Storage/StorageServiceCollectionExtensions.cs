using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Storage;

internal static class StorageServiceCollectionExtensions
{
    public const string DatabaseFileName = "tokenim.db";

    public static IServiceCollection AddTokenImStorage(this IServiceCollection services)
    {
        services.AddSingleton<SqlitePragmaInterceptor>();
        // Pooled: building a context (its service scope, change tracker) cost more than the query on the send
        // path; a pooled one is reset and reused (measured in docs/benchmarks.md).
        services.AddPooledDbContextFactory<SqliteTokenImDbContext>((sp, options) =>
        {
            options.UseSqlite(SqliteConnectionString(sp.GetRequiredService<IOptions<TokenImOptions>>().Value))
                .AddInterceptors(sp.GetRequiredService<SqlitePragmaInterceptor>())
                .AddInterceptors(Telemetry.StoreLatencyInterceptor.For(sp, 0))
                // A failed save is either expected (a unique key that decides a race, answered as a value) or
                // reaches the exception handler, which logs it: EF's own error log would only add noise.
                .ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });
        services.AddSingleton(sp => CreateShards(sp));
        services.AddSingleton<UserConversationIndex>();
        services.AddSingleton<ConversationFinder>();
        // Stores take a pooled context per operation; no context lives in a request scope. This one is the directory.
        services.AddSingleton<Func<TokenImDbContext>>(sp => sp.GetRequiredService<StoreShards>().Directory.Create);
        services.AddSingleton<WalCheckpointer>();
        services.AddHostedService(sp => sp.GetRequiredService<WalCheckpointer>());
        services.AddSingleton<SearchIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<SearchIndexer>());
        return services;
    }

    private static StoreShards CreateShards(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<TokenImOptions>>().Value.Storage;
        var time = services.GetRequiredService<TimeProvider>();
        if (settings.Provider != "Postgres")
        {
            var sqlite = new Shard(0, time, TimeSpan.Zero) { Factory = services.GetRequiredService<IDbContextFactory<SqliteTokenImDbContext>>().CreateDbContext };
            return new StoreShards(sqlite, [sqlite]);
        }

        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var postgres = settings.Postgres;
        Shard Open(int index, string connectionString)
        {
            var shard = new Shard(index, time, postgres.RetryUnavailableAfter);
            var options = new DbContextOptionsBuilder<PostgresTokenImDbContext>()
                .UseNpgsql(connectionString)
                .UseLoggerFactory(loggerFactory)
                .AddInterceptors(new ShardFailureInterceptor(shard))
                .AddInterceptors(Telemetry.StoreLatencyInterceptor.For(services, index))
                .ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug)))
                .Options;
            shard.Factory = new PooledDbContextFactory<PostgresTokenImDbContext>(options).CreateDbContext;
            return shard;
        }

        var shards = postgres.Shards.Select((connectionString, index) => Open(index, connectionString)).ToList();
        // The directory may share a shard's database: then it shares its pool too.
        var directoryIndex = Array.IndexOf(postgres.Shards, postgres.Directory);
        return new StoreShards(directoryIndex >= 0 ? shards[directoryIndex] : Open(DirectoryIndex, postgres.Directory!), shards);
    }

    /// <summary>The index by which errors name the directory database when it is not also a shard.</summary>
    public const int DirectoryIndex = -1;

    /// <summary>The connection string of the data directory's database file.</summary>
    public static string SqliteConnectionString(TokenImOptions settings) =>
        $"Data Source={Path.Combine(Path.GetFullPath(settings.DataDirectory), DatabaseFileName)};Foreign Keys=True;Pooling=True;Default Timeout=30";

    /// <summary>
    /// Brings every database up to the current schema. SQLite: creates the data directory, switches the file to WAL
    /// and migrates. PostgreSQL: migrates the directory and each shard; nodes starting together are safe, as EF Core
    /// holds a database lock while it migrates.
    /// </summary>
    public static async Task MigrateTokenImStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var settings = services.GetRequiredService<IOptions<TokenImOptions>>().Value;
        if (settings.Storage.Provider == "Postgres")
        {
            var shards = services.GetRequiredService<StoreShards>();
            foreach (var shard in shards.All.Append(shards.Directory).Distinct())
            {
                await using var pg = shard.Create();
                await pg.Database.MigrateAsync(cancellationToken);
            }

            return;
        }

        // The folder holds password hashes and signing keys: a new one is for the owner only.
        if (!Directory.Exists(settings.DataDirectory))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(settings.DataDirectory);
            else
                Directory.CreateDirectory(settings.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await using var db = await services.GetRequiredService<IDbContextFactory<SqliteTokenImDbContext>>()
            .CreateDbContextAsync(cancellationToken);
        // WAL is a property of the file: set once, it stays.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>
/// Per-connection SQLite settings: durability level, how long a writer waits for the lock, foreign keys, and the
/// read caches. Applied once per physical connection: the pool hands the same one back many times, and parsing the
/// pragmas on every logical open cost more than the hot queries themselves.
/// </summary>
internal sealed class SqlitePragmaInterceptor(IOptions<TokenImOptions> options) : DbConnectionInterceptor
{
    // wal_autocheckpoint=0: WalCheckpointer copies the log back in the background instead of inside a commit.
    // cache_size: 16 MiB of page cache per connection (SQLite's default is 2 MiB); mmap_size: reads of up to 256 MiB
    // of the file through the OS page cache, without a pread system call per page (the profile's largest kernel cost
    // on the send path after the network).
    private readonly string _pragmas =
        $"PRAGMA synchronous={options.Value.Storage.SqliteSynchronous}; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; " +
        "PRAGMA cache_size=-16384; PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=0;";

    private readonly ConditionalWeakTable<object, object?> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!FirstOpen(connection))
            return;
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!FirstOpen(connection))
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The native handle outlives each logical open while the pool keeps it, and is new for a new physical connection.
    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, null);
}
