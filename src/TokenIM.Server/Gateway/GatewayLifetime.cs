using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using TokenIM.Server.Auth;
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

    public Task RunAsync(WebSocket socket, AccessTokenClaims? claims, ConnectionHandler handler) =>
        handler.RunAsync(socket, claims, host.ApplicationStopping);

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
        Task.WhenAll(registry.All().OfType<Connection>().Select(c => c.ShutdownAsync(s_drainTimeout)));
}
