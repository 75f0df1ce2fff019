using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using TokenIM.Server.Storage;

namespace TokenIM.Cli.Admin;

/// <summary>
/// Backup and restore of a SQLite store. The snapshot is SQLite's online backup API in one step
/// (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>: every page copied inside one read transaction):
/// in WAL mode that reader never blocks the server's writer, and it sees exactly the commits made before it began.
/// It copies pages as they are, which is faster than <c>VACUUM INTO</c> (that rebuilds every table and index; see
/// docs/operations.md for the measurement).
/// </summary>
internal static class SqliteBackup
{
    public const string FileName = StorageServiceCollectionExtensions.DatabaseFileName;

    /// <summary>Snapshots the database into <paramref name="folder"/>, checks the copy and reads its migration and epoch.</summary>
    public static async Task<(string? Migration, string? Epoch)> SnapshotAsync(StoreLocation store, string folder, CancellationToken cancellationToken)
    {
        if (!File.Exists(store.DatabaseFile))
            throw new BackupException($"There is no database at {store.DatabaseFile}: check --data and --content-root.");
        var copy = Path.Combine(folder, FileName);
        await using (var source = Open(store.DatabaseFile, SqliteOpenMode.ReadWrite))
        await using (var target = Open(copy, SqliteOpenMode.ReadWriteCreate))
        {
            await source.OpenAsync(cancellationToken);
            await target.OpenAsync(cancellationToken);
            source.BackupDatabase(target);
        }

        await using var db = Open(copy, SqliteOpenMode.ReadWrite);
        await db.OpenAsync(cancellationToken);
        // The copy is one self-contained file (rollback journal, not WAL): the server switches it back on start.
        await StoreQueries.ScalarAsync(db, "PRAGMA journal_mode=DELETE", cancellationToken);
        if (await StoreQueries.ScalarAsync(db, "PRAGMA integrity_check", cancellationToken) is not "ok" and var problem)
            throw new BackupException($"The copy failed its integrity check: {problem}");
        return (await StoreQueries.LastMigrationAsync(db, cancellationToken),
            await HasMetaAsync(db, cancellationToken) ? await StoreQueries.EpochAsync(db, cancellationToken) : null);
    }

    /// <summary>
    /// Why the store cannot be replaced now, or null: the server's admin socket answers, or another connection holds
    /// the database open (leaving WAL mode needs it to be the only one).
    /// </summary>
    public static async Task<string?> InUseAsync(StoreLocation store, CancellationToken cancellationToken)
    {
        if (store.AdminSocket is { } path && File.Exists(path))
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                return $"a server answers on {path}: stop it (every node) first.";
            }
            catch (SocketException)
            {
                // Nobody listens: a socket file left by a server that was killed.
            }
        }

        if (!File.Exists(store.DatabaseFile))
            return null;
        // Leaving WAL mode needs the only connection to the file: any other (the server's) makes it fail or stay
        // "wal". It also folds the WAL into the file, so the old database set aside is one whole file.
        var inUse = $"{store.DatabaseFile} is in use by another process: stop the server first.";
        await using var db = Open(store.DatabaseFile, SqliteOpenMode.ReadWrite, timeoutSeconds: 1);
        await db.OpenAsync(cancellationToken);
        try
        {
            return await StoreQueries.ScalarAsync(db, "PRAGMA journal_mode=DELETE", cancellationToken) == "delete" ? null : inUse;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return inUse;
        }
    }

    /// <summary>Sets the current database aside and puts the backup's copy in its place.</summary>
    public static void Replace(StoreLocation store, string folder, string stamp, List<string> setAside)
    {
        BackupFiles.CreatePrivateDirectory(store.DataDirectory);
        foreach (var suffix in (string[])["-wal", "-shm"])
            BackupFiles.SetAside(store.DatabaseFile + suffix, stamp, setAside);
        BackupFiles.SetAside(store.DatabaseFile, stamp, setAside);
        File.Copy(Path.Combine(folder, FileName), store.DatabaseFile);
    }

    /// <summary>Writes <paramref name="epoch"/> into the restored database (the server makes one when the table is absent: an older backup).</summary>
    public static async Task WriteEpochAsync(StoreLocation store, string epoch, CancellationToken cancellationToken)
    {
        await using var db = Open(store.DatabaseFile, SqliteOpenMode.ReadWrite);
        await db.OpenAsync(cancellationToken);
        if (await HasMetaAsync(db, cancellationToken))
            await StoreEpoch.ReplaceAsync(db, epoch, cancellationToken);
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode, int timeoutSeconds = 30) =>
        // No pooling: a pooled handle would stay open after the command, and a restore renames the file.
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = timeoutSeconds }.ToString());

    private static async Task<bool> HasMetaAsync(SqliteConnection db, CancellationToken cancellationToken) =>
        await StoreQueries.ScalarAsync(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'", cancellationToken) is not null;
}

/// <summary>A backup or restore cannot go on; the message says why and what to do. Printed to stderr, exit code 1.</summary>
internal sealed class BackupException(string message) : Exception(message);
