using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>
/// Delivers the outboxes: one loop per database (each shard and the directory; one on SQLite). A loop works only
/// while this node holds that database's <see cref="WebhookLease"/>, so on several nodes each outbox has one sender.
/// Each round it turns new events into deliveries (one per subscribed endpoint), then sends the due head of every
/// (endpoint, order key) queue — a conversation's later event waits until the earlier one was delivered or died, while
/// other queues go on — and prunes old delivered rows now and then. It wakes when this node wrote events, when a
/// request finished, or after <c>Webhooks:PollInterval</c> (for events other nodes wrote).
/// </summary>
internal sealed partial class WebhookDispatcher(
    StoreShards shards, WebhookSubscriptions subscriptions, WebhookOutbox outbox, WebhookSender sender, WebhookJitter jitter,
    TimeProvider time, IOptions<TokenImOptions> options, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private const int FanOutBatch = 500;
    private const int HeadsPerRound = 200;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    private readonly WebhookSettings _settings = options.Value.Webhooks;
    private readonly string _holder = "node-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly List<DatabaseLoop> _loops = [];
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Requests made so far by this node (tests read it).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    private long _attempts;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var database in shards.All.Append(shards.Directory).Distinct())
            _loops.Add(new DatabaseLoop(database));
        outbox.Written += _ => WakeAll();
        return Task.WhenAll(_loops.Select(loop => RunAsync(loop, stoppingToken)));
    }

    /// <summary>Wakes every loop now (events were written, or a delivery was re-queued).</summary>
    public void WakeAll()
    {
        foreach (var loop in _loops)
            loop.Wake();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The requests in flight end (cancelled by the stop) before their loops' state goes away.
        await Task.WhenAll(_running.Keys);
        // Hand over at once instead of after the expiry: another node takes the outbox at its next poll.
        foreach (var loop in _loops.Where(l => l.HeldUntil > 0))
        {
            try
            {
                await WebhookLease.ReleaseAsync(loop.Database, _holder, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReleaseFailed(logger, loop.Database.Index, e);
            }
        }
    }

    public override void Dispose()
    {
        foreach (var loop in _loops)
            loop.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(DatabaseLoop loop, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var leaseMs = (long)_settings.LeaseDuration.TotalMilliseconds;
        long renewAt = 0, pruneAt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait = _settings.PollInterval;
            try
            {
                var now = Now();
                if (now >= renewAt)
                {
                    var held = await WebhookLease.TryHoldAsync(loop.Database, _holder, now, now + leaseMs, stoppingToken);
                    loop.HeldUntil = held ? now + leaseMs : 0;
                    renewAt = held ? now + (leaseMs / 3) : now + (long)_settings.PollInterval.TotalMilliseconds;
                }

                if (loop.HeldUntil > Now())
                {
                    await FanOutAsync(loop.Database, stoppingToken);
                    wait = Min(wait, await SendDueAsync(loop, stoppingToken));
                    if (Now() >= pruneAt)
                    {
                        await PruneAsync(loop.Database, stoppingToken);
                        pruneAt = Now() + (long)Min(PruneEvery, _settings.Retention).TotalMilliseconds;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // An unreachable database or a bug: try again next round, never end the loop.
                LogRoundFailed(logger, loop.Database.Index, e);
            }

            await loop.WaitAsync(wait, stoppingToken);
        }
    }

    /// <summary>Turns undispatched events into one pending delivery per enabled endpoint subscribed to the type.</summary>
    private async Task FanOutAsync(Shard database, CancellationToken cancellationToken)
    {
        await using var db = database.Create();
        var events = await db.WebhookEvents.Where(e => !e.Dispatched).OrderBy(e => e.Seq).Take(FanOutBatch).ToListAsync(cancellationToken);
        if (events.Count == 0)
            return;
        var now = Now();
        var endpoints = subscriptions.Endpoints.Values.Where(e => e.Enabled).ToList();
        foreach (var e in events)
        {
            foreach (var endpoint in endpoints.Where(x => WebhookEndpointRules.TypesOf(x).Contains(e.Type, StringComparer.Ordinal)))
            {
                db.WebhookDeliveries.Add(new WebhookDeliveryEntity
                {
                    Id = "dlv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                    EndpointId = endpoint.Id,
                    EventSeq = e.Seq,
                    EventId = e.Id,
                    EventType = e.Type,
                    OrderKey = e.OrderKey,
                    State = WebhookDeliveryStates.Pending,
                    NextAttemptAt = now,
                    CreatedAt = now,
                });
            }

            e.Dispatched = true;
        }

        // The deliveries and the marks in one save (one transaction): an event is fanned out once.
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Starts the due heads not already in flight; returns how long until the next one falls due (at most the poll interval).</summary>
    private async Task<TimeSpan> SendDueAsync(DatabaseLoop loop, CancellationToken cancellationToken)
    {
        // Queues whose request finished are free again only now, before the query: their rows' new state is
        // committed by then, so a stale read cannot send a delivered event twice (the outage test caught that).
        while (loop.Finished.TryDequeue(out var finished))
            loop.InFlight.TryRemove(finished, out _);
        var now = Now();
        await using var db = loop.Database.Create();
        const int pending = WebhookDeliveryStates.Pending;
        var heads = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.State == pending && !db.WebhookDeliveries.Any(earlier =>
                earlier.State == pending && earlier.EndpointId == d.EndpointId && earlier.OrderKey == d.OrderKey && earlier.EventSeq < d.EventSeq))
            .OrderBy(d => d.NextAttemptAt)
            .Take(HeadsPerRound)
            .Join(db.WebhookEvents.AsNoTracking(), d => d.EventSeq, e => e.Seq, (d, e) => new { Delivery = d, e.Payload })
            .ToListAsync(cancellationToken);
        var next = _settings.PollInterval;
        foreach (var head in heads)
        {
            var d = head.Delivery;
            if (d.NextAttemptAt > now)
            {
                next = Min(next, TimeSpan.FromMilliseconds(d.NextAttemptAt - now));
                continue;
            }

            // Unknown: deleted (its rows go too) or made on a node this one has not heard from yet. Disabled: paused.
            if (!subscriptions.Endpoints.TryGetValue(d.EndpointId, out var endpoint) || !endpoint.Enabled)
                continue;
            if (loop.InFlight.Count >= _settings.MaxConcurrentDeliveries)
                break;
            if (!loop.InFlight.TryAdd((d.EndpointId, d.OrderKey), 0))
                continue;
            var running = DeliverAsync(loop, endpoint, d, head.Payload, cancellationToken);
            _running.TryAdd(running, 0);
            _ = running.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return next;
    }

    private async Task DeliverAsync(DatabaseLoop loop, WebhookEndpointEntity endpoint, WebhookDeliveryEntity delivery, string payload, CancellationToken cancellationToken)
    {
        try
        {
            // The lease may have lapsed since the round began (a long stall): then another node owns these rows.
            if (loop.HeldUntil <= Now())
                return;
            Interlocked.Increment(ref _attempts);
            var attempt = await sender.SendAsync(endpoint, delivery.EventId, delivery.EventType, payload, cancellationToken);
            var now = Now();
            var attempts = delivery.Attempts + 1;
            var state = attempt.Delivered ? WebhookDeliveryStates.Delivered
                : attempts >= _settings.MaxAttempts ? WebhookDeliveryStates.Dead
                : WebhookDeliveryStates.Pending;
            var nextAt = state == WebhookDeliveryStates.Pending ? now + (long)jitter.Backoff(attempts, _settings.RetryBase, _settings.RetryCap).TotalMilliseconds : now;
            await using var db = loop.Database.Create();
            // Only while still pending: a delete or a retry made meanwhile wins.
            await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.State == WebhookDeliveryStates.Pending)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(d => d.State, state)
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.LastStatusCode, attempt.StatusCode)
                    .SetProperty(d => d.LastError, attempt.Error)
                    .SetProperty(d => d.LastAttemptAt, now)
                    .SetProperty(d => d.NextAttemptAt, nextAt), CancellationToken.None);
            if (state == WebhookDeliveryStates.Dead)
                LogDead(logger, delivery.Id, endpoint.Id, delivery.EventId, attempts);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeliveryFailed(logger, delivery.Id, e);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the row stays pending and is sent again by whoever holds the lease next.
        }
        finally
        {
            loop.Finished.Enqueue((delivery.EndpointId, delivery.OrderKey));
            loop.Wake();
        }
    }

    /// <summary>Deletes delivered rows older than the retention, and events no delivery refers to any more.</summary>
    private async Task PruneAsync(Shard database, CancellationToken cancellationToken)
    {
        var before = Now() - (long)_settings.Retention.TotalMilliseconds;
        await using var db = database.Create();
        await db.WebhookDeliveries.Where(d => d.State == WebhookDeliveryStates.Delivered && d.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        await db.WebhookEvents
            .Where(e => e.Dispatched && e.CreatedAt < before && !db.WebhookDeliveries.Any(d => d.EventSeq == e.Seq))
            .ExecuteDeleteAsync(cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 6020, Level = LogLevel.Warning, Message = "A webhook round on database {Shard} failed; retrying next round")]
    private static partial void LogRoundFailed(ILogger logger, int shard, Exception exception);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId} could not be recorded")]
    private static partial void LogDeliveryFailed(ILogger logger, string deliveryId, Exception exception);

    [LoggerMessage(EventId = 6022, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {EndpointId} of event {EventId} is dead after {Attempts} attempts")]
    private static partial void LogDead(ILogger logger, string deliveryId, string endpointId, string eventId, int attempts);

    [LoggerMessage(EventId = 6023, Level = LogLevel.Warning, Message = "Releasing the webhook lease of database {Shard} failed; it lapses by itself")]
    private static partial void LogReleaseFailed(ILogger logger, int shard, Exception exception);

    /// <summary>One database's loop state: its wake-up signal, whether this node holds its lease, the queues in flight.</summary>
    private sealed class DatabaseLoop(Shard database) : IDisposable
    {
        private readonly SemaphoreSlim _wake = new(0);

        public Shard Database { get; } = database;

        /// <summary>Unix ms until which this node holds the lease; 0 when it does not.</summary>
        public long HeldUntil { get; set; }

        public ConcurrentDictionary<(string EndpointId, string OrderKey), byte> InFlight { get; } = new();

        /// <summary>Queues whose request ended (its row updated); the loop frees them before its next read.</summary>
        public ConcurrentQueue<(string EndpointId, string OrderKey)> Finished { get; } = new();

        public void Wake()
        {
            // One pending wake is enough: the round after it sees everything.
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }

        public void Dispose() => _wake.Dispose();

        public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await _wake.WaitAsync(timeout, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the loop's condition ends it.
            }
        }
    }
}

/// <summary>The retry schedule's randomness, replaceable in tests by a seeded one.</summary>
internal sealed class WebhookJitter(Random random)
{
    private readonly Lock _gate = new();

    /// <summary>
    /// The wait after the <paramref name="failures"/>-th failed attempt: <paramref name="baseDelay"/> doubled per
    /// earlier failure, at most <paramref name="cap"/>, less up to 20% at random so endpoints that failed together do
    /// not all retry in the same instant.
    /// </summary>
    public TimeSpan Backoff(int failures, TimeSpan baseDelay, TimeSpan cap)
    {
        var exponent = Math.Min(failures - 1, 30);
        var delay = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), cap.TotalMilliseconds);
        double r;
        lock (_gate)
            r = random.NextDouble();
        return TimeSpan.FromMilliseconds(delay * (1 - (0.2 * r)));
    }
}
