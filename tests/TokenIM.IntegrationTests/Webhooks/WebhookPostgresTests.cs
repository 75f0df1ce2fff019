using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.IntegrationTests.Webhooks;

/// <summary>
/// On PostgreSQL with a directory and two shards: each database's outbox is delivered by its own loop, conversations'
/// events from their shards and users' from the directory, and the delivery log merges them.
/// </summary>
public sealed class WebhookPostgresTests
{
    [Fact]
    public async Task ShardedStore_EveryEventFromEveryDatabase_ArrivesInOrder_AndTheLogListsThemAll()
    {
        PostgresDatabases.SkipUnlessConfigured();
        await using var databases = await PostgresDatabases.CreateAsync(3, TestContext.Current.CancellationToken);
        await using var factory = new TokenImFactory().UsePostgres(databases);
        factory.UseFastWebhooks();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (server, endpoint) = await factory.CreateEndpointAsync(receiver, WebhookEventTypes.MessageCreated, WebhookEventTypes.UserCreated);
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var groups = new List<string>();
        for (var i = 0; i < 6; i++)
            groups.Add((await alice.CreateGroupAsync($"shard {i}", bob)).Id);
        receiver.Status = 503;
        for (var n = 0; n < 5; n++)
        {
            foreach (var group in groups)
                await alice.SendOkAsync(group, $"message {n}");
        }

        await receiver.WaitUntilAsync(r => r.Count >= 6, "attempts failed during the outage");
        receiver.Status = 200;
        const int expected = 2 + (6 * 5);
        await receiver.WaitUntilAsync(r => r.Where(x => x.Accepted).Select(x => x.Event.Id).Distinct().Count() == expected, "every event arrived");

        var messages = receiver.Received.Where(r => r.Event.Type == WebhookEventTypes.MessageCreated).ToList();
        foreach (var group in groups)
        {
            var seqs = messages.Select(r => r.Event.Data.Message!).Where(m => m.ConversationId == group).Select(m => m.Seq).ToList();
            Assert.Equal(seqs.Order(), seqs);
        }

        await TwoNodes.WaitUntilAsync(
            async () => (await server.ListWebhookDeliveriesAsync(endpoint.Endpoint.Id, state: "delivered", limit: 100)).Deliveries.Count == expected,
            "the log lists every delivery as delivered");
        var firstPage = await server.ListWebhookDeliveriesAsync(endpoint.Endpoint.Id, limit: 20);
        var secondPage = await server.ListWebhookDeliveriesAsync(endpoint.Endpoint.Id, limit: 20, cursor: firstPage.NextCursor);
        Assert.Equal(expected, firstPage.Deliveries.Concat(secondPage.Deliveries).Select(d => d.Id).Distinct().Count());
        Assert.Null(secondPage.NextCursor);
    }
}
