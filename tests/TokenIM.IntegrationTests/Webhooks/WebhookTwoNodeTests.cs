using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Webhooks;

namespace TokenIM.IntegrationTests.Webhooks;

/// <summary>Two nodes over one database (Redis between them): one delivers, each event once, and the other takes over when it stops.</summary>
public sealed class WebhookTwoNodeTests
{
    private const int Messages = 20;

    [Fact]
    public async Task TwoNodes_EachEventDeliveredOnce_ByTheLeaseHolder_ThenTheOtherTakesOver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var nodes = TwoNodes.Start(
            ("TokenIM:Webhooks:RetryBase", "00:00:00.050"), ("TokenIM:Webhooks:RetryCap", "00:00:00.200"),
            ("TokenIM:Webhooks:PollInterval", "00:00:00.050"), ("TokenIM:Webhooks:LeaseDuration", "00:00:02"));
        await using (nodes)
        {
            await nodes.First.CreateEndpointAsync(receiver, WebhookEventTypes.MessageCreated);
            // The documented window: the other node writes events once the bus has told it of the endpoint.
            await TwoNodes.WaitUntilAsync(
                () => Task.FromResult(nodes.Second.Services.GetRequiredService<WebhookSubscriptions>().Wants(WebhookEventTypes.MessageCreated)),
                "the second node heard of the endpoint");
            var (alice, bob) = (await nodes.First.RegisterAsync(), await nodes.First.RegisterAsync());
            var group = await alice.CreateGroupAsync("two nodes", bob);
            using var viaFirst = TwoNodes.ClientOf(nodes.First, alice);
            using var viaSecond = TwoNodes.ClientOf(nodes.Second, bob);

            for (var n = 0; n < Messages; n++)
                await SendAsync(n % 2 == 0 ? viaFirst : viaSecond, group.Id, n);
            await receiver.WaitUntilAsync(r => r.Select(x => x.Event.Id).Distinct().Count() == Messages, "every event arrived");

            var attempts = new[] { nodes.First, nodes.Second }.Select(node => node.Services.GetRequiredService<WebhookDispatcher>().Attempts).ToList();
            // One database, so one lease holder: the other node sent nothing.
            Assert.Single(attempts, a => a > 0);
            var holder = attempts[0] > 0 ? nodes.First : nodes.Second;
            var other = holder == nodes.First ? nodes.Second : nodes.First;
            using var viaOther = TwoNodes.ClientOf(other, alice);

            // A clean stop hands the lease over at once (a crash: after LeaseDuration). The holder's dispatcher stops as
            // in a shutdown; the node itself stays (the first node owns the shared data directory).
            await holder.Services.GetRequiredService<WebhookDispatcher>().StopAsync(TestContext.Current.CancellationToken);
            for (var n = Messages; n < 2 * Messages; n++)
                await SendAsync(viaOther, group.Id, n);
            await receiver.WaitUntilAsync(r => r.Select(x => x.Event.Id).Distinct().Count() == 2 * Messages, "every event after the hand-over arrived");
        }

        var tally = WebhookOutageTests.Tally(receiver);
        Figures.Print($"webhook-two-nodes: events={2 * Messages} delivered={tally.Delivered} duplicates={tally.Duplicates} order_violations={tally.OrderViolations}");
        Assert.Equal((2 * Messages, 0, 0), (tally.Delivered, tally.Duplicates, tally.OrderViolations));
    }

    private static async Task SendAsync(HttpClient client, string conversationId, int n)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new SendMessageRequest($"two-nodes-{n}", $"message {n}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
