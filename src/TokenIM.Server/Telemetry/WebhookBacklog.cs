using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// Pending and dead webhook deliveries across every database, for the metrics. A scrape never queries the store: it
/// gets the last counts, and when those are older than <see cref="TelemetrySettings.WebhookBacklogMaxAge"/> it starts
/// one recount in the background (never two at once). So a scraper every second costs one count per max age, and a
/// node nobody scrapes counts nothing.
/// </summary>
internal sealed partial class WebhookBacklog(StoreShards shards, TimeProvider time, IOptions<TokenImOptions> options, ILogger<WebhookBacklog> logger)
{
    private static readonly KeyValuePair<string, object?> s_pending = new("state", "pending");
    private static readonly KeyValuePair<string, object?> s_dead = new("state", "dead");

    private readonly TimeSpan _maxAge = options.Value.Telemetry.WebhookBacklogMaxAge;
    private Counts? _last;
    private int _counting;

    /// <summary>The last counts (none before the first count finished); starts a recount when they are stale.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        var last = Volatile.Read(ref _last);
        if ((last is null || time.GetUtcNow() - last.At >= _maxAge) && Interlocked.Exchange(ref _counting, 1) == 0)
            _ = Task.Run(CountAsync);
        return last is null ? [] : [new(last.Pending, s_pending), new(last.Dead, s_dead)];
    }

    /// <summary>Counts now and keeps the figures; what <see cref="Observe"/> starts.</summary>
    public async Task CountAsync()
    {
        try
        {
            long pending = 0, dead = 0;
            foreach (var shard in shards.All.Append(shards.Directory).Distinct())
            {
                await using var db = shard.Create();
                var states = await db.WebhookDeliveries.AsNoTracking()
                    .Where(d => d.State != WebhookDeliveryStates.Delivered)
                    .GroupBy(d => d.State)
                    .Select(g => new { State = g.Key, Count = g.LongCount() })
                    .ToListAsync();
                foreach (var state in states)
                {
                    if (state.State == WebhookDeliveryStates.Dead)
                        dead += state.Count;
                    else
                        pending += state.Count;
                }
            }

            Volatile.Write(ref _last, new Counts(time.GetUtcNow(), pending, dead));
        }
        catch (Exception e)
        {
            // A database that does not answer leaves the last figures in place; the next stale scrape tries again.
            LogCountFailed(logger, e);
        }
        finally
        {
            Volatile.Write(ref _counting, 0);
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Counting the webhook backlog for the metrics failed; the last figures stay")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);

    private sealed record Counts(DateTimeOffset At, long Pending, long Dead);
}
