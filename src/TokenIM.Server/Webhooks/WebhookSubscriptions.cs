using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenIM.Server.Bus;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>
/// This node's copy of the endpoint list, and from it the set of event types any enabled endpoint wants: the one
/// branch the write paths take before they write an outbox row, so a server without endpoints pays nothing more.
/// Re-read at start-up, when the bus says an endpoint changed (on any node), and every
/// <c>Webhooks:RefreshInterval</c> in case a bus message was missed. Until a node has heard of a new endpoint it
/// writes no events of types only that endpoint wants: a window of one bus hop (or one refresh interval while Redis
/// is down).
/// </summary>
internal sealed partial class WebhookSubscriptions(
    Func<TokenImDbContext> directory, IBus bus, IOptions<TokenImOptions> options, ILogger<WebhookSubscriptions> logger)
    : BackgroundService
{
    private volatile Snapshot _current = Snapshot.Empty;
    private IDisposable? _subscription;
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Whether an enabled endpoint subscribes to <paramref name="eventType"/>: when false, no event of it is written.</summary>
    public bool Wants(string eventType) => _current.Types.Contains(eventType);

    /// <summary>Whether any enabled endpoint wants anything at all.</summary>
    public bool Any => _current.Types.Count > 0;

    /// <summary>Every endpoint as last read, by id (disabled ones too).</summary>
    public IReadOnlyDictionary<string, WebhookEndpointEntity> Endpoints => _current.Endpoints;

    /// <summary>Re-reads the list now (the node that made a change calls it before answering, so its own next write sees it).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = directory();
        var endpoints = await db.WebhookEndpoints.AsNoTracking().ToListAsync(cancellationToken);
        _current = new Snapshot(
            endpoints.ToFrozenDictionary(e => e.Id, StringComparer.Ordinal),
            endpoints.Where(e => e.Enabled).SelectMany(e => WebhookEndpointRules.TypesOf(e)).ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>Tells every node (this one too) that the list changed.</summary>
    public ValueTask PublishChangedAsync(CancellationToken cancellationToken) => bus.PublishAsync(BusEnvelope.WebhooksChanged(), cancellationToken);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(envelope =>
        {
            if (envelope.Kind == BusEnvelopeKind.WebhooksChanged)
                _changed.Release();
            return ValueTask.CompletedTask;
        });
        // Before the server takes requests: a write right after start-up already knows the endpoints.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Webhooks.RefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A change on any node, or the interval passing (in case a bus message was lost).
                await _changed.WaitAsync(interval, stoppingToken);
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The directory is unreachable or the like: keep the last list, try again next interval.
                LogRefreshFailed(logger, e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Reading the webhook endpoints failed; the last list stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(FrozenDictionary<string, WebhookEndpointEntity> Endpoints, FrozenSet<string> Types)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, WebhookEndpointEntity>.Empty, FrozenSet<string>.Empty);
    }
}
