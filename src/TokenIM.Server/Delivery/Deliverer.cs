using TokenIM.Protocol;
using TokenIM.Server.Bus;
using TokenIM.Server.Telemetry;

namespace TokenIM.Server.Delivery;

/// <summary>
/// The bus subscriber of this node: hands each frame to the local sockets of its users (the same bytes to all) and
/// carries out revocations. Enqueueing never blocks, so one slow reader delays nobody.
/// </summary>
internal sealed partial class Deliverer(IBus bus, ConnectionRegistry registry, ILogger<Deliverer> logger, TokenImMetrics? metrics = null) : IHostedService
{
    // The op comes first in every server frame (JsonPropertyOrder), so a message event is told by its first bytes.
    private static ReadOnlySpan<byte> MessageFramePrefix => "{\"op\":\"message\""u8;

    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(HandleAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private ValueTask HandleAsync(BusEnvelope envelope)
    {
        switch (envelope.Kind)
        {
            case BusEnvelopeKind.Deliver:
                var delivered = 0;
                foreach (var userId in envelope.UserIds)
                {
                    foreach (var connection in registry.Get(userId))
                    {
                        if (connection.Id != envelope.ExceptConnectionId && connection.TryEnqueue(envelope.Frame))
                            delivered++;
                    }
                }

                if (delivered > 0 && envelope.Frame.Span.StartsWith(MessageFramePrefix))
                    metrics?.MessagesDelivered(delivered);
                break;
            case BusEnvelopeKind.RevokeSession:
                foreach (var connection in registry.Get(envelope.UserIds[0]))
                {
                    if (connection.SessionId == envelope.SessionId)
                    {
                        LogRevokedSocket(logger, connection.UserId, connection.Id);
                        connection.Close(CloseCodes.Unauthenticated, "session revoked");
                    }
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Closing socket {ConnectionId} of user {UserId}: session revoked")]
    private static partial void LogRevokedSocket(ILogger logger, string userId, string connectionId);
}
