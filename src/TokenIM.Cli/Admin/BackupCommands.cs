using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenIM.Server.Storage;

namespace TokenIM.Cli.Admin;

/// <summary>
/// <c>tokenim admin backup --out DIR</c> and <c>tokenim admin restore --from DIR</c>: run on the server's machine,
/// against the store its configuration names (not through the server API). A backup is taken while the server runs;
/// a restore needs every node stopped. Each prints one JSON line; a refusal goes to stderr with exit code 1.
/// </summary>
internal static class BackupCommands
{
    public static Command CreateBackup()
    {
        var arguments = new StoreLocation.Arguments();
        var output = new Option<string>("--out")
        {
            Description = "A new or empty folder for the backup.",
            Required = true,
            HelpName = "DIR",
        };
        var tools = PostgresTools.CreateOption();
        var command = new Command(
            "backup",
            "Back up the store while the server runs: a consistent SQLite snapshot (or pg_dump of the directory and each shard), the signing keys, the attachment-link secret and blobs, and manifest.json with every file's SHA-256.")
        {
            output, tools,
        };
        arguments.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(result, async ct =>
        {
            var store = arguments.Read(result);
            var folder = Path.GetFullPath(result.GetValue(output)!);
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw new BackupException($"{folder} is not empty: back up into a new or empty folder.");
            BackupFiles.CreatePrivateDirectory(folder);
            var createdAt = DateTimeOffset.UtcNow;
            var (migration, epoch, databases) = store.IsPostgres
                ? await new PostgresTools(result.GetValue(tools)).DumpAsync(store, folder, ct)
                : await SnapshotSqliteAsync(store, folder, ct);
            BackupFiles.Copy(store, folder, ct);
            var files = new List<BackupFile>();
            foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                files.Add(await BackupFile.DescribeAsync(folder, path, ct));
            var manifest = new BackupManifest(BackupManifest.CurrentFormat, createdAt, store.Options.Storage.Provider, migration, epoch, databases, files);
            await manifest.WriteAsync(folder, ct);
            return new BackupReport(folder, manifest.Provider, epoch, files.Count, files.Sum(f => f.Bytes), []);
        }, cancellationToken));
        return command;
    }

    public static Command CreateRestore()
    {
        var arguments = new StoreLocation.Arguments();
        var from = new Option<string>("--from")
        {
            Description = "The backup folder (with its manifest.json).",
            Required = true,
            HelpName = "DIR",
        };
        var tools = PostgresTools.CreateOption();
        var command = new Command(
            "restore",
            "Replace the store with a backup. Every node must be stopped. Checks every file's SHA-256 first, renames what it replaces to *.before-restore-TIME, and writes a new store epoch so connected clients reload.")
        {
            from, tools,
        };
        arguments.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(result, async ct =>
        {
            var store = arguments.Read(result);
            var folder = Path.GetFullPath(result.GetValue(from)!);
            if (!File.Exists(Path.Combine(folder, BackupManifest.FileName)))
                throw new BackupException($"{folder} has no {BackupManifest.FileName}: not a backup, or an interrupted one.");
            var manifest = await BackupManifest.ReadAsync(folder, ct);
            Check(manifest, store);
            if (await manifest.VerifyAsync(folder, ct) is { Count: > 0 } problems)
                throw new BackupException($"The backup does not match its manifest; nothing was changed:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
            var postgres = new PostgresTools(result.GetValue(tools));
            var inUse = store.IsPostgres ? await PostgresTools.InUseAsync(store, ct) : await SqliteBackup.InUseAsync(store, ct);
            if (inUse is not null)
                throw new BackupException($"Refused: {inUse} Nothing was changed.");

            var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var setAside = new List<string>();
            if (store.IsPostgres)
                await postgres.RestoreAsync(store, folder, manifest, stamp, setAside, ct);
            else
                SqliteBackup.Replace(store, folder, stamp, setAside);
            setAside.AddRange(BackupFiles.Restore(store, folder, stamp, ct));
            // Last: a store with a new epoch is a finished restore; clients that see it drop their cursors.
            var epoch = StoreEpoch.NewValue();
            if (store.IsPostgres)
                await PostgresTools.WriteEpochAsync(store, epoch, ct);
            else
                await SqliteBackup.WriteEpochAsync(store, epoch, ct);
            return new BackupReport(folder, manifest.Provider, epoch, manifest.Files.Count, manifest.Files.Sum(f => f.Bytes), setAside);
        }, cancellationToken));
        return command;
    }

    private static async Task<(string?, string?, IReadOnlyList<BackupDatabase>)> SnapshotSqliteAsync(StoreLocation store, string folder, CancellationToken cancellationToken)
    {
        var (migration, epoch) = await SqliteBackup.SnapshotAsync(store, folder, cancellationToken);
        return (migration, epoch, [new BackupDatabase("store", null, SqliteBackup.FileName)]);
    }

    /// <summary>Refuses a backup this build cannot restore onto this configuration.</summary>
    private static void Check(BackupManifest manifest, StoreLocation store)
    {
        if (manifest.Format != BackupManifest.CurrentFormat)
            throw new BackupException($"The backup's format is {manifest.Format}; this tokenim reads format {BackupManifest.CurrentFormat}.");
        if (manifest.Provider != store.Options.Storage.Provider)
            throw new BackupException($"The backup is of a {manifest.Provider} store and the configuration names {store.Options.Storage.Provider}.");
        // A store from a newer release has a schema this build's server would not understand.
        if (manifest.Migration is { } migration && !KnownMigrations(store.IsPostgres).Contains(migration))
            throw new BackupException($"The backup's schema ({migration}) is newer than this release knows: restore it with the release that made it.");
    }

    private static HashSet<string> KnownMigrations(bool postgres)
    {
        using TokenImDbContext db = postgres
            ? new PostgresTokenImDbContext(new DbContextOptionsBuilder<PostgresTokenImDbContext>().UseNpgsql("Host=unused").Options)
            : new SqliteTokenImDbContext(new DbContextOptionsBuilder<SqliteTokenImDbContext>().UseSqlite("Data Source=:memory:").Options);
        return [.. db.Database.GetMigrations()];
    }

    private static async Task<int> RunAsync(ParseResult result, Func<CancellationToken, Task<BackupReport>> body, CancellationToken cancellationToken)
    {
        try
        {
            var report = await body(cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(report, BackupJsonContext.Default.BackupReport));
            return 0;
        }
        catch (BackupException e)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
