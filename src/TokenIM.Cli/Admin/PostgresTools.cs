using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TokenIM.Server.Storage;

namespace TokenIM.Cli.Admin;

/// <summary>
/// Backup and restore of a PostgreSQL store with PostgreSQL's own tools: <c>pg_dump --format=custom</c> of the
/// directory database and of each shard, <c>pg_restore --single-transaction</c> back. Each dump is a consistent
/// snapshot of its database; the databases are dumped one after another, not at one instant (see
/// docs/operations.md for what that means).
/// </summary>
/// <remarks>
/// Not <c>pg_restore --clean --if-exists</c>: it fails on the hash-partitioned messages table ("cannot drop inherited
/// constraint messages_p15_pkey"). Instead the database's <c>public</c> schema is renamed aside
/// (<c>before_restore_STAMP</c>, which also keeps the replaced data for an undo) and the dump is restored into a
/// new, empty one.
/// </remarks>
internal sealed class PostgresTools(string? binFolder)
{
    private const string Folder = "postgres";

    public static Option<string?> CreateOption() => new("--pg-bin")
    {
        Description = "The folder of pg_dump and pg_restore (PostgreSQL stores). The default is the PATH, then the newest /usr/lib/postgresql/*/bin.",
        HelpName = "DIR",
    };

    /// <summary>Dumps every database of the store into <c>postgres/</c> of <paramref name="folder"/>.</summary>
    public async Task<(string? Migration, string? Epoch, IReadOnlyList<BackupDatabase> Databases)> DumpAsync(
        StoreLocation store, string folder, CancellationToken cancellationToken)
    {
        var (directory, shards) = Databases(store);
        Directory.CreateDirectory(Path.Combine(folder, Folder));
        string? migration;
        string? epoch;
        await using (var db = await OpenAsync(directory, cancellationToken))
        {
            migration = await StoreQueries.LastMigrationAsync(db, cancellationToken);
            epoch = await StoreQueries.EpochAsync(db, cancellationToken);
        }

        var databases = new List<BackupDatabase>();
        for (var i = 0; i < shards.Count; i++)
        {
            var file = $"{Folder}/shard-{i}.dump";
            await RunAsync("pg_dump", shards[i], ["--format=custom", $"--file={Path.Combine(folder, file)}"], cancellationToken);
            databases.Add(new BackupDatabase("shard", i, file));
        }

        // The directory may be one of the shards' databases: then that dump holds it.
        var shared = shards.ToList().IndexOf(directory);
        var directoryFile = shared >= 0 ? databases[shared].File : $"{Folder}/directory.dump";
        if (shared < 0)
            await RunAsync("pg_dump", directory, ["--format=custom", $"--file={Path.Combine(folder, directoryFile)}"], cancellationToken);
        databases.Insert(0, new BackupDatabase("directory", shared >= 0 ? shared : null, directoryFile));
        return (migration, epoch, databases);
    }

    /// <summary>Restores each database of the manifest onto the configured one, in one transaction per database.</summary>
    public async Task RestoreAsync(StoreLocation store, string folder, BackupManifest manifest, string stamp, List<string> setAside, CancellationToken cancellationToken)
    {
        var (directory, shards) = Databases(store);
        var backedUpShards = manifest.Databases.Count(d => d.Role == "shard");
        if (backedUpShards != shards.Count)
            throw new BackupException($"The backup has {backedUpShards} shards and the configuration {shards.Count}: a conversation's shard is fixed by their number.");
        var restored = new HashSet<string>();
        foreach (var database in manifest.Databases)
        {
            var target = database.Role == "shard" ? shards[database.Shard ?? 0] : directory;
            if (!restored.Add(target))
                continue;
            var file = BackupFile.PathIn(folder, database.File) ?? throw new BackupException($"{database.File} is outside the backup folder.");
            setAside.Add(await SetAsideAsync(target, stamp, cancellationToken));
            await RunAsync("pg_restore", target, ["--single-transaction", "--no-owner", "--no-comments", "--exit-on-error", file], cancellationToken);
        }
    }

    /// <summary>
    /// Renames the <c>public</c> schema aside and makes an empty one, in one transaction. Extensions installed in it
    /// (pg_trgm) move to the new one, where the restored indexes look for them; the set-aside indexes keep working,
    /// as they refer to their operator classes by oid. To undo: drop the new schema, move the extensions back and
    /// rename the old one to <c>public</c>.
    /// </summary>
    private static async Task<string> SetAsideAsync(string connectionString, string stamp, CancellationToken cancellationToken)
    {
        var aside = $"before_restore_{stamp}";
        await using var db = await OpenAsync(connectionString, cancellationToken);
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var extensions = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT extname FROM pg_extension WHERE extnamespace = 'public'::regnamespace", db, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                extensions.Add(reader.GetString(0));
        }

        var sql = $"ALTER SCHEMA public RENAME TO \"{aside}\"; CREATE SCHEMA public; "
            + string.Concat(extensions.Select(name => $"ALTER EXTENSION \"{name}\" SET SCHEMA public; "));
        await using (var move = new NpgsqlCommand(sql, db, transaction))
            await move.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return $"{db.Database}: schema {aside}";
    }

    /// <summary>Why the databases cannot be replaced now (another session is connected to one), or null.</summary>
    public static async Task<string?> InUseAsync(StoreLocation store, CancellationToken cancellationToken)
    {
        var (directory, shards) = Databases(store);
        foreach (var connectionString in shards.Append(directory).Distinct())
        {
            await using var db = await OpenAsync(connectionString, cancellationToken);
            var others = await StoreQueries.ScalarAsync(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", cancellationToken);
            if (others is not "0")
                return $"{others} other session(s) use database {db.Database}: stop every node first.";
        }

        return null;
    }

    public static async Task WriteEpochAsync(StoreLocation store, string epoch, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(Databases(store).Directory, cancellationToken);
        if (await StoreQueries.ScalarAsync(db, "SELECT to_regclass('store_meta')::text", cancellationToken) is not null)
            await StoreEpoch.ReplaceAsync(db, epoch, cancellationToken);
    }

    private static (string Directory, IReadOnlyList<string> Shards) Databases(StoreLocation store)
    {
        var postgres = store.Options.Storage.Postgres;
        if (postgres.Directory is not { Length: > 0 } directory || postgres.Shards.Length == 0)
            throw new BackupException("TokenIM:Storage:Postgres:Directory and :Shards must name the databases.");
        return (directory, postgres.Shards);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Unpooled: an idle pooled session would itself count as "in use" for the restore that follows.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs a PostgreSQL tool against one database; the password goes through the environment, never the command line.</summary>
    private async Task RunAsync(string tool, string connectionString, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Find(tool)) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.ArgumentList.Add($"--host={target.Host}");
        start.ArgumentList.Add($"--port={target.Port.ToString(CultureInfo.InvariantCulture)}");
        if (target.Username is { Length: > 0 } user)
            start.ArgumentList.Add($"--username={user}");
        start.ArgumentList.Add("--no-password");
        start.ArgumentList.Add($"--dbname={target.Database}");
        if (target.Password is { Length: > 0 } password)
            start.Environment["PGPASSWORD"] = password;
        start.Environment["PGSSLMODE"] = target.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        using var process = Process.Start(start) ?? throw new BackupException($"{tool} did not start.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        if (process.ExitCode != 0)
            throw new BackupException($"{tool} failed on database {target.Database} (exit {process.ExitCode}): {(await error).Trim()}");
    }

    private string Find(string tool)
    {
        if (binFolder is { Length: > 0 })
            return Path.Combine(Path.GetFullPath(binFolder), tool);
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool)).FirstOrDefault(File.Exists);
        if (onPath is not null)
            return onPath;
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(folder => Path.Combine(folder, "bin", tool)).Where(File.Exists)
                .OrderByDescending(path => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))), out var version) ? version : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new BackupException($"{tool} was not found on the PATH or in /usr/lib/postgresql/*/bin: install the PostgreSQL client tools or pass --pg-bin.");
    }
}
