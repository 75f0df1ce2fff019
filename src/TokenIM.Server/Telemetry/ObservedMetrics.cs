using TokenIM.Server.Delivery;
using TokenIM.Server.Gateway;
using TokenIM.Server.Stats;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// The instruments read at collection time from figures the server keeps anyway: socket and user counts, the live
/// statistics' running totals, outbox depths and the webhook backlog. Nothing on the message path changes for them;
/// each scrape pays one walk over this node's sockets for the outbox figures.
/// </summary>
internal sealed class ObservedMetrics
{
    public ObservedMetrics(
        TokenImMetrics metrics, GatewayLifetime gateway, ConnectionRegistry registry, NodeCounters counters, MessageWriter writer, WebhookBacklog backlog)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("tokenim.sockets.open", () => gateway.OpenCount, "{socket}",
            "Sockets open on this node, authenticated or not.");
        meter.CreateObservableGauge("tokenim.sockets.authenticated", () => registry.Count, "{socket}",
            "Authenticated sockets on this node.");
        meter.CreateObservableGauge("tokenim.users.connected", () => registry.UserCount, "{user}",
            "Users with at least one socket on this node.");
        meter.CreateObservableCounter("tokenim.frames.received", () => counters.FramesIn, "{frame}",
            "Frames read from authenticated sockets.");
        meter.CreateObservableCounter("tokenim.frames.sent", () => counters.FramesOut, "{frame}",
            "Frames written to sockets.");
        meter.CreateObservableCounter("tokenim.messages.stored", () => writer.MessagesStored, "{message}",
            "Messages stored by this node's group-commit writer (repeats and refusals not counted).");
        meter.CreateObservableGauge("tokenim.outbox.queued", () => Outboxes(registry).Total, "By",
            "Bytes queued in the outboxes of all sockets on this node.");
        meter.CreateObservableGauge("tokenim.outbox.largest", () => Outboxes(registry).Largest, "By",
            "Bytes queued in the fullest outbox on this node (4009 when it passes TokenIM:Gateway:OutboxBytes).");
        meter.CreateObservableGauge("tokenim.webhook.deliveries", backlog.Observe, "{delivery}",
            "Webhook deliveries not delivered yet, by state (pending, dead), across every database; at most TokenIM:Telemetry:WebhookBacklogMaxAge old.");
    }

    private static (long Total, long Largest) Outboxes(ConnectionRegistry registry)
    {
        long total = 0, largest = 0;
        foreach (var connection in registry.All())
        {
            if (connection is Connection socket)
            {
                var queued = socket.QueuedBytes;
                total += queued;
                largest = Math.Max(largest, queued);
            }
        }

        return (total, largest);
    }
}
