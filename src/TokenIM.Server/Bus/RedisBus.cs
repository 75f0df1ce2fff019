using StackExchange.Redis;

namespace TokenIM.Server.Bus;

/// <summary>
/// The bus across nodes. A publish is delivered on this node at once (the same path as one node), then sent to the
/// others through Redis pub/sub on <see cref="RedisKeys.Events"/>; each node skips its own. Redis is never on the
/// path to the database: when it is down, sends still commit and are acked, delivery on the sender's own node goes on,
/// and clients of other nodes catch up by <c>sync</c> after their next reconnect. The client reconnects and resubscribes
/// by itself when Redis is back. The subscription's queue keeps the publishing order of each node.
/// </summary>
internal sealed partial class RedisBus : IBus, IDisposable
{
    private readonly ILogger<RedisBus> _logger;
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly Lock _gate = new();
    private volatile Func<BusEnvelope, ValueTask>[] _handlers = [];
    private ChannelMessageQueue? _queue;

    public RedisBus(RedisConnection connection, ILogger<RedisBus> logger)
    {
        _logger = logger;
        _redis = connection.Multiplexer;
        _channel = connection.Keys.Events;
        NodeId = connection.NodeId;
        // While Redis is down, an event for other nodes is dropped at once (the connection fails fast instead of
        // queueing; their clients catch up by sync). A subscription that could not be made then is made when it
        // comes back; ones that exist are renewed by the client itself.
        _redis.ConnectionRestored += (_, _) => TrySubscribe();
    }

    /// <summary>This process's id on the bus: its own events come back from Redis and are skipped.</summary>
    public string NodeId { get; }

    /// <summary>Whether Redis is reachable now (the readiness check reads it).</summary>
    public bool IsConnected => _redis.IsConnected;

    public async ValueTask PublishAsync(BusEnvelope envelope, CancellationToken cancellationToken = default)
    {
        await DeliverAsync(envelope);
        try
        {
            // Fire and forget: order is kept on the connection, and the fan-out loop never waits for Redis.
            await _redis.GetSubscriber().PublishAsync(_channel, BusEnvelopeCodec.Encode(envelope, NodeId), CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogPublishFailed(_logger, envelope.Kind, e);
        }
    }

    public IDisposable Subscribe(Func<BusEnvelope, ValueTask> handler)
    {
        lock (_gate)
            _handlers = [.. _handlers, handler];
        TrySubscribe();
        return new Subscription(this, handler);
    }

    // The connection is the container's (RedisConnection); only the subscription is the bus's.
    public void Dispose() => _queue?.Unsubscribe();

    private void TrySubscribe()
    {
        lock (_gate)
        {
            if (_queue is not null || _handlers.Length == 0)
                return;
            try
            {
                var queue = _redis.GetSubscriber().Subscribe(_channel);
                queue.OnMessage(ReceiveAsync);
                _queue = queue;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSubscribeFailed(_logger, e);
            }
        }
    }

    private async Task ReceiveAsync(ChannelMessage message)
    {
        if (BusEnvelopeCodec.Decode((byte[])message.Message!) is not { } decoded)
        {
            LogUnreadable(_logger);
            return;
        }

        if (decoded.NodeId != NodeId)
            await DeliverAsync(decoded.Envelope);
    }

    private async ValueTask DeliverAsync(BusEnvelope envelope)
    {
        foreach (var handler in _handlers)
            await handler(envelope);
    }

    private void Unsubscribe(Func<BusEnvelope, ValueTask> handler)
    {
        lock (_gate)
            _handlers = [.. _handlers.Where(h => h != handler)];
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Publishing a {Kind} event to Redis failed; other nodes' clients catch up by sync")]
    private static partial void LogPublishFailed(ILogger logger, BusEnvelopeKind kind, Exception exception);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Subscribing to the Redis bus failed; this node hears other nodes once Redis is reachable")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Skipped an event on the Redis bus that this version cannot read")]
    private static partial void LogUnreadable(ILogger logger);

    private sealed class Subscription(RedisBus bus, Func<BusEnvelope, ValueTask> handler) : IDisposable
    {
        public void Dispose() => bus.Unsubscribe(handler);
    }
}
