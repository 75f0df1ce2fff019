using System.CommandLine;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin webhooks create|list|delete|deliveries</c>.</summary>
internal static class WebhookCommands
{
    public static Command Create(AdminConnection connection)
    {
        var json = ProtocolJsonContext.Wire;
        var url = new Option<string>("--endpoint") { Description = "Where events are POSTed: an absolute http or https URL.", Required = true };
        var events = new Option<string[]>("--events")
        {
            Description = $"The event types, separated by spaces or commas: {string.Join(' ', WebhookEventTypes.All)}.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var description = new Option<string?>("--description") { Description = "What the endpoint is for." };
        var create = new Command("create", "Create a webhook endpoint; its signing secret is printed this once.") { url, events, description };
        create.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.CreateWebhookAsync(
                result.GetValue(url)!,
                [.. result.GetValue(events)!.SelectMany(s => s.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))],
                result.GetValue(description),
                ct),
            json.CreatedWebhookEndpoint, cancellationToken));

        var list = new Command("list", "Every webhook endpoint, without secrets.");
        list.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) => new WebhookEndpointList(await client.ListWebhooksAsync(ct)), json.WebhookEndpointList, cancellationToken));

        var deleteId = new Argument<string>("id") { Description = "The endpoint id (we_…)." };
        var delete = new Command("delete", "Delete a webhook endpoint and its deliveries.") { deleteId };
        delete.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) =>
            {
                await client.DeleteWebhookAsync(result.GetValue(deleteId)!, ct);
                return new WebhookEndpointList(await client.ListWebhooksAsync(ct));
            },
            json.WebhookEndpointList, cancellationToken));

        var logId = new Argument<string>("id") { Description = "The endpoint id (we_…)." };
        var state = new Option<string?>("--state") { Description = "Only deliveries in this state: pending, delivered or dead." };
        var limit = new Option<int?>("--limit") { Description = "At most this many, 1 to 100 (the server's default is 50)." };
        var cursor = new Option<string?>("--cursor") { Description = "The nextCursor of the previous page, for older deliveries." };
        var retry = new Option<string?>("--retry") { Description = "Queue this dead delivery (dlv_…) again instead of listing." };
        var deliveries = new Command("deliveries", "An endpoint's delivery log, newest first; or --retry a dead delivery.") { logId, state, limit, cursor, retry };
        deliveries.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) =>
            {
                var id = result.GetValue(logId)!;
                if (result.GetValue(retry) is { } deliveryId)
                    await client.RetryWebhookDeliveryAsync(id, deliveryId, ct);
                return await client.ListWebhookDeliveriesAsync(id, result.GetValue(state), result.GetValue(limit), result.GetValue(cursor), ct);
            },
            json.WebhookDeliveryPage, cancellationToken));

        return new Command("webhooks", "Webhook endpoints and their delivery log.") { create, list, delete, deliveries };
    }
}
