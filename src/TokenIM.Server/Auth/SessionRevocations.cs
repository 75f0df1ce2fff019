using Microsoft.Extensions.Caching.Memory;
using TokenIM.Server.Bus;

namespace TokenIM.Server.Auth;

/// <summary>
/// Forgets a revoked session in this node's session cache when the revocation arrives on the bus, so a session
/// ended on any node is refused on every node's REST routes too (not only after the 30-second cache lapses). The
/// node that revoked it has already dropped its entry; hearing its own revocation again is harmless.
/// </summary>
internal sealed class SessionRevocations(IBus bus, IMemoryCache cache) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(envelope =>
        {
            if (envelope is { Kind: BusEnvelopeKind.RevokeSession, SessionId: { } sessionId })
                cache.Remove(sessionId);
            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
