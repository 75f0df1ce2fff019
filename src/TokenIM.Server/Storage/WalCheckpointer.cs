using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Storage;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file once a second, off the send path. SQLite's own
/// automatic checkpoint (turned off in <see cref="SqlitePragmaInterceptor"/>) runs inside whichever commit crosses
/// 1,000 pages — usually the group-commit writer's — and stalls every send waiting behind it for the copy and its
/// fsync: the p99 of the direct benchmark at a steady 5,000 msg/s was those stalls. A PASSIVE checkpoint waits for
/// nobody and blocks nobody. But SQLite rewinds the log only when a checkpoint has copied all of it and a writer
/// begins afterwards, which a PASSIVE one never achieves under a steady stream of commits: the log grew to 2 GB in
/// a benchmark. So once it passes <see cref="RestartPages"/> (64 MiB) a RESTART checkpoint copies the little the
/// PASSIVE one left, holding writers only that long, and the next commit starts the log over. On shutdown a
/// TRUNCATE one leaves an empty log. It uses a plain connection, not EF:
/// the last checkpoint runs while the host is being torn down.
/// </summary>
internal sealed partial class WalCheckpointer(IOptions<TokenImOptions> options, TimeProvider time, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    private readonly string _connectionString = StorageServiceCollectionExtensions.SqliteConnectionString(options.Value);
    private readonly bool _enabled = options.Value.Storage.Provider == "Sqlite";

    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    /// <summary>A log this many pages long after a checkpoint means readers keep it from being copied: worth a warning.</summary>
    private const long LongLogPages = 250_000;

    /// <summary>Log length (4 KiB pages) from which the log is rewound.</summary>
    public const long RestartPages = 16_384;

    /// <summary>Runs one checkpoint; returns the log's length and how much of it is now in the database, in pages.</summary>
    public async Task<(long LogPages, long CheckpointedPages)> CheckpointAsync(string mode, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(1), reader.GetInt64(2));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
            return;
        using var timer = new PeriodicTimer(s_interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var (log, copied) = await CheckpointAsync("PASSIVE", stoppingToken);
                if (log >= RestartPages)
                    (log, copied) = await CheckpointAsync("RESTART", stoppingToken);
                if (log - copied > LongLogPages)
                    LogLongWal(logger, log, copied);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_enabled)
            return;
        try
        {
            await CheckpointAsync("TRUNCATE", cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: the log stays, and the next start's first checkpoint copies it.
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "The SQLite log holds {LogPages} pages of which only {CheckpointedPages} could be copied back: a long-running reader holds it")]
    private static partial void LogLongWal(ILogger logger, long logPages, long checkpointedPages);
}
