using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TokenIM.Server.Chat;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Presence;

/// <summary>
/// Every <c>PresenceHeartbeat</c>: renews this node's liveness in Redis, sweeps nodes that stopped renewing theirs
/// (their users go offline, each announced by exactly one sweeping node) and announces what a re-registration
/// changed. On a graceful stop the node leaves at once instead of waiting to be swept. Idle on one node.
/// </summary>
internal sealed partial class PresenceHeartbeat(
    IPresenceRegistry registry,
    RealtimeService realtime,
    IOptions<TokenImOptions> options,
    TimeProvider time,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    private readonly RedisPresence? _presence = registry as RedisPresence;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_presence is not { } presence)
            return;
        using var timer = new PeriodicTimer(options.Value.Bus.PresenceHeartbeat, time);
        try
        {
            do
            {
                try
                {
                    foreach (var (userId, online) in await presence.BeatAsync())
                        await realtime.AnnouncePresenceAsync(userId, online, CancellationToken.None);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Swept by the others if this lasts past the node timeout; re-registered on the first beat back.
                    LogBeatFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_presence is not { } presence)
            return;
        try
        {
            foreach (var userId in await presence.LeaveAsync())
                await realtime.AnnouncePresenceAsync(userId, online: false, CancellationToken.None);
        }
        // Best effort, as a crash would be: the other nodes' sweep takes this node's users offline when its heartbeat
        // expires. ObjectDisposedException: a host stopped twice at once (WebApplicationFactory's stop wakes the app's
        // own shutdown, dotnet/aspnetcore#40271) may have disposed the Redis connection under this stop.
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogBeatFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Presence heartbeat to Redis failed")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);
}
