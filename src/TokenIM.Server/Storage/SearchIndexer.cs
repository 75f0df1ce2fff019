using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Storage;

/// <summary>
/// Feeds new messages into the SQLite search index (<c>messages_fts</c>) in batches, following the messages' rowid
/// from <c>search_progress.LastRowId</c>, off the send path. Measured (docs/benchmarks.md, "Search"): an FTS5 trigger
/// per inserted row added about 70 µs to every message inside the group commit's transaction, while the same rows
/// indexed a batch at a time cost 10–15 µs each. So a message is findable by a query of 3 characters or more within
/// about <see cref="Interval"/> of being stored while fewer than <see cref="BatchSize"/> arrive per interval (5,000 a
/// second); above that the index lags and catches up when the load drops. Shorter queries scan and see it at once. Edits, recalls and deletions of indexed rows are applied by triggers (migration MessageSearch), so the
/// edit and recall paths call nothing. On PostgreSQL the pg_trgm index is maintained by the database and this does
/// nothing.
/// </summary>
internal sealed partial class SearchIndexer(StoreShards shards, IOptions<TokenImOptions> options, ILogger<SearchIndexer> logger)
    : BackgroundService
{
    /// <summary>How often the indexer looks for new messages when it has caught up.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Rows per transaction: the group-commit writer waits for the database's one write lock meanwhile (about 15 ms
    /// for 1,000 rows), so a batch stays short.
    /// </summary>
    public const int BatchSize = 1000;

    private readonly bool _enabled = options.Value.Storage.Provider == "Sqlite";

    /// <summary>Indexes every message stored before the call (at once, in batches); returns how many rows it indexed.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
            return 0;
        var total = 0;
        int indexed;
        do
        {
            indexed = await IndexBatchAsync(cancellationToken);
            total += indexed;
        }
        while (indexed == BatchSize);
        return total;
    }

    private async Task<int> IndexBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = shards.All[0].Create();
        // A plain read first: an idle server never takes the write lock for nothing.
        var behind = await db.Database.SqlQueryRaw<long>(
            """SELECT (SELECT coalesce(max(rowid), 0) FROM "messages") - (SELECT "LastRowId" FROM "search_progress") AS "Value" """)
            .SingleAsync(cancellationToken);
        if (behind <= 0)
            return 0;
        // IMMEDIATE (Microsoft.Data.Sqlite's default): the mark is read under the write lock, so two runs never index one row twice.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        long from, to, count;
        await using (var read = Command(connection, transaction, """
            SELECT p."LastRowId", coalesce(max(b.rowid), p."LastRowId"), count(b.rowid)
            FROM "search_progress" AS p
            LEFT JOIN (SELECT rowid FROM "messages" WHERE rowid > (SELECT "LastRowId" FROM "search_progress") ORDER BY rowid LIMIT $batch) AS b ON 1
            GROUP BY p."LastRowId"
            """))
        {
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (from, to, count) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        if (count == 0)
            return 0;
        await using (var write = Command(connection, transaction, """
            INSERT INTO "messages_fts"(rowid, "Text") SELECT rowid, "Text" FROM "messages" WHERE rowid > $from AND rowid <= $to;
            UPDATE "search_progress" SET "LastRowId" = $to;
            """))
        {
            write.Parameters.Add(Parameter(write, "$from", from));
            write.Parameters.Add(Parameter(write, "$to", to));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (int)count;
    }

    private static DbCommand Command(DbConnection connection, IDbContextTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = sql;
        if (sql.Contains("$batch", StringComparison.Ordinal))
            command.Parameters.Add(Parameter(command, "$batch", BatchSize));
        return command;
    }

    private static DbParameter Parameter(DbCommand command, string name, long value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
            return;
        // Real time, not the injected clock: a polling rate, not a rule. On a fake clock a test that moves time on by
        // days would fire this 0.2 s timer once per interval passed, a query each, millions of times.
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // One batch a tick, not a catch-up loop: the indexer's share of the write lock and of the CPU
                    // stays bounded (at most 5,000 rows a second, ~7 % of the lock), so sends keep their pace under
                    // load and the index catches up when the load drops. Looping until caught up cost sustained
                    // sends about a fifth of their throughput (docs/benchmarks.md, "Search").
                    await IndexBatchAsync(stoppingToken);
                }
                catch (Exception e) when (e is DbException or InvalidOperationException)
                {
                    // The next tick tries again from the same mark: nothing is lost, search only lags.
                    LogIndexFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the next start goes on from the mark.
        }
    }

    [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "Indexing new messages for search failed; retrying at the next tick")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception);
}
