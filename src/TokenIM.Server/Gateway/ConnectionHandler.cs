using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Ws;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;
using TokenIM.Server.Delivery;
using TokenIM.Server.Hosting;
using TokenIM.Server.Stats;
using TokenIM.Server.Telemetry;

namespace TokenIM.Server.Gateway;

/// <summary>
/// The life of one socket: authenticate (header or first frame within the timeout), register, <c>ready</c> and the
/// online contacts, the read loop, and on the way out unregister and tell the presence audience.
/// </summary>
internal sealed partial class ConnectionHandler(
    ConnectionRegistry registry,
    FrameDispatcher dispatcher,
    GatewayLifetime lifetime,
    RealtimeService realtime,
    TokenAuthenticator tokens,
    NodeCounters counters,
    TokenImMetrics metrics,
    IOptions<TokenImOptions> options,
    TimeProvider time,
    ILogger<ConnectionHandler> logger)
{
    public async Task RunAsync(WebSocket socket, AccessTokenClaims? headerClaims)
    {
        // The upgrade request's span (never recorded: it would last as long as the socket) is not the parent of the frames'.
        System.Diagnostics.Activity.Current = null;
        var settings = options.Value.Gateway;
        using var connection = new Connection(socket, settings, counters, time, logger, metrics);
        using var tracked = lifetime.Track(connection);
        var writer = connection.WriteLoopAsync();
        var registered = false;
        try
        {
            var claims = headerClaims ?? await AuthenticateFirstFrameAsync(connection, settings.AuthTimeout);
            if (claims is null)
                return;
            connection.Authenticate(claims.UserId, claims.SessionId, claims.ExpiresAt);

            var outcome = registry.TryRegister(connection, options.Value.Limits.SocketsPerUser, settings.MaxConnections,
                () => connection.Send(new ReadyEvent(connection.UserId, connection.SessionId, time.GetUtcNow()), ProtocolJsonContext.Wire.ReadyEvent));
            if (outcome is RegisterResult.UserFull or RegisterResult.NodeFull)
            {
                FrameDispatcher.Error(connection, null, ErrorCode.TooManyConnections,
                    outcome == RegisterResult.UserFull ? "This user holds the most sockets allowed on this node." : "This node is full.");
                connection.Close(CloseCodes.RateLimited, "too many connections");
                return;
            }

            registered = true;
            LogConnected(logger, connection.UserId, connection.Id);
            foreach (var contact in await realtime.OnlineContactsAsync(connection.UserId, CancellationToken.None))
                connection.Send(new PresenceEvent(contact, true), ProtocolJsonContext.Wire.PresenceEvent);
            if (outcome == RegisterResult.FirstOfUser)
                await realtime.PresenceChangedAsync(connection.UserId, online: true, CancellationToken.None);

            while (await connection.ReceiveAsync() is { } frame)
            {
                counters.FrameIn();
                try
                {
                    // Not the host's stopping token: a graceful shutdown lets requests finish (ShutdownAsync), it does not cancel them.
                    await dispatcher.DispatchAsync(connection, frame.Memory, CancellationToken.None);
                }
                finally
                {
                    frame.Release();
                }
            }
        }
        catch (Exception e)
        {
            // The one top-level catch of a socket: log, close with a code, never take the server down.
            LogSocketFailed(logger, connection.Id, e);
            connection.Close((int)WebSocketCloseStatus.InternalServerError, "internal error");
        }
        finally
        {
            connection.Close((int)WebSocketCloseStatus.NormalClosure, string.Empty);
            await writer;
            if (registered && registry.Unregister(connection))
                await realtime.PresenceChangedAsync(connection.UserId, online: false, CancellationToken.None);
        }
    }

    private async Task<AccessTokenClaims?> AuthenticateFirstFrameAsync(Connection connection, TimeSpan timeout)
    {
        // A timer, not a cancelled read: cancelling a WebSocket read aborts the socket, and this close must carry 4001.
        using var timer = time.CreateTimer(
            static state => ((Connection)state!).Close(CloseCodes.Unauthenticated, "authentication timeout"), connection, timeout, Timeout.InfiniteTimeSpan);
        if (await connection.ReceiveAsync() is not { } frame)
            return null;
        AuthFrame? auth;
        try
        {
            using var document = JsonDocument.Parse(frame.Memory);
            auth = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("op", out var op) && op.ValueKind == JsonValueKind.String
                && FrameDispatcher.TryGetString(op, out var name) && name == Ops.Auth
                ? document.RootElement.Deserialize(ProtocolJsonContext.Wire.AuthFrame)
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            auth = null;
        }
        finally
        {
            frame.Release();
        }

        if (auth is null)
        {
            connection.Close(CloseCodes.Unauthenticated, "the first frame must be auth");
            return null;
        }

        var token = await tokens.AuthenticateAsync(auth.Token, expected: null, CancellationToken.None);
        var refused = token.Error;
        if (refused is not null || connection.IsClosing)
        {
            connection.Close(CloseCodes.Unauthenticated, refused?.Code.Code ?? "authentication timeout");
            return null;
        }

        return token.Value;
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Socket {ConnectionId} of user {UserId} connected")]
    private static partial void LogConnected(ILogger logger, string userId, string connectionId);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Socket {ConnectionId} failed")]
    private static partial void LogSocketFailed(ILogger logger, string connectionId, Exception exception);
}
