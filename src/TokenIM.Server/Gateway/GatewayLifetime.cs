using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TokenIM.Server.Delivery;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Gateway;

/// <summary>
/// The sockets' share of the host's life: graceful shutdown (stop taking sends, let pending ones commit and be acked,
/// close with 1001, before the writer stops) and, every second, closing sockets whose token expired without a
/// <c>refresh</c> (4001).
/// </summary>
internal sealed class GatewayLifetime(
    ConnectionRegistry registry,
    Chat.RealtimeService realtime,
    IHostApplicationLifetime host,
    IOptions<TokenImOptions> options,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    // Every open socket, authenticated or not (the registry holds only authenticated ones): what shutdown closes.
    private readonly ConcurrentDictionary<Connection, byte> _open = new();
    private int _openCount;

    /// <summary>Sockets open on this node, authenticated or not (what <c>MaxConnections</c> bounds at the upgrade).</summary>
    public int OpenCount => Volatile.Read(ref _openCount);

    /// <summary>Follows a socket from accept to close; returns the handle that ends the tracking.</summary>
    public IDisposable Track(Connection connection)
    {
        _open[connection] = 0;
        Interlocked.Increment(ref _openCount);
        if (host.ApplicationStopping.IsCancellationRequested)
            _ = connection.ShutdownAsync(s_drainTimeout);
        return new Untrack(this, connection);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Runs before Kestrel waits for requests to finish, so every socket is on its way out by then.
        using var shutdown = host.ApplicationStopping.Register(() => _ = ShutdownAllAsync());
        var grace = options.Value.Gateway.TokenExpiryGrace;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                foreach (var connection in registry.All())
                {
                    if (connection is Connection socket && now > socket.TokenExpiresAt + grace)
                        socket.Close(Protocol.CloseCodes.Unauthenticated, "token expired");
                }

                if (++ticks % 60 == 0)
                    realtime.Sweep();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private Task ShutdownAllAsync() =>
        Task.WhenAll(_open.Keys.Select(c => c.ShutdownAsync(s_drainTimeout)));

    private sealed class Untrack(GatewayLifetime lifetime, Connection connection) : IDisposable
    {
        public void Dispose()
        {
            if (lifetime._open.TryRemove(connection, out _))
                Interlocked.Decrement(ref lifetime._openCount);
        }
    }
}
