using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// Times every command EF Core runs on one database (<c>tokenim.store.command.duration</c>, tagged with the shard).
/// The group commit's own prepared statements do not pass through EF; their transactions are timed by the writer.
/// Added only when metrics are on (<see cref="For"/>): an interceptor makes EF build event data for every command.
/// </summary>
internal sealed class StoreLatencyInterceptor(TokenImMetrics metrics, int shard) : DbCommandInterceptor
{
    /// <summary>The interceptors for shard <paramref name="shard"/> (-1: the directory): this one when metrics are on, else none.</summary>
    public static IInterceptor[] For(IServiceProvider services, int shard) =>
        TelemetryProviders.MetricsEnabled(services.GetRequiredService<IOptions<TokenImOptions>>().Value.Telemetry, services.GetRequiredService<IConfiguration>())
            ? [new StoreLatencyInterceptor(services.GetRequiredService<TokenImMetrics>(), shard)]
            : [];

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        metrics.StoreCommand(shard, eventData.Duration);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        metrics.StoreCommand(shard, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        metrics.StoreCommand(shard, eventData.Duration);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        metrics.StoreCommand(shard, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        metrics.StoreCommand(shard, eventData.Duration);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        metrics.StoreCommand(shard, eventData.Duration);
        return ValueTask.FromResult(result);
    }
}
