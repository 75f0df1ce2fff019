namespace TokenIM.Server.Bus;

/// <summary>The one-node bus: a publish is handed straight to the subscribers on this node.</summary>
internal sealed class InMemoryBus : IBus
{
    private volatile Func<BusEnvelope, ValueTask>[] _handlers = [];
    private readonly Lock _gate = new();

    public async ValueTask PublishAsync(BusEnvelope envelope, CancellationToken cancellationToken = default)
    {
        foreach (var handler in _handlers)
            await handler(envelope);
    }

    public IDisposable Subscribe(Func<BusEnvelope, ValueTask> handler)
    {
        lock (_gate)
            _handlers = [.. _handlers, handler];
        return new Subscription(this, handler);
    }

    private void Unsubscribe(Func<BusEnvelope, ValueTask> handler)
    {
        lock (_gate)
            _handlers = [.. _handlers.Where(h => h != handler)];
    }

    private sealed class Subscription(InMemoryBus bus, Func<BusEnvelope, ValueTask> handler) : IDisposable
    {
        public void Dispose() => bus.Unsubscribe(handler);
    }
}
