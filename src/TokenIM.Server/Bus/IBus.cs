namespace TokenIM.Server.Bus;

/// <summary>
/// The backplane. Every event goes through it, also on one node, so that a single node and a cluster run the same
/// path: in-memory by default, Redis in scale-out. Publishing never waits for sockets.
/// </summary>
internal interface IBus
{
    ValueTask PublishAsync(BusEnvelope envelope, CancellationToken cancellationToken = default);

    /// <summary>Registers the node's one consumer (Delivery). Dispose to stop.</summary>
    IDisposable Subscribe(Func<BusEnvelope, ValueTask> handler);
}
