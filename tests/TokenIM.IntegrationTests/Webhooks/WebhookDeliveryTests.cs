using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.IntegrationTests.Webhooks;

/// <summary>What a receiver gets: signed requests with the documented headers, one per event, each with its data.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly TokenImFactory _factory = new();
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync()
    {
        _factory.UseFastWebhooks();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task MessageCreated_SignatureVerifiesWithAPlainHmac_AndHeadersNameTheEvent()
    {
        var (_, endpoint) = await _factory.CreateEndpointAsync(_receiver, WebhookEventTypes.MessageCreated);
        var (alice, bob) = (await _factory.RegisterAsync(), await _factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("signed", bob);

        var sent = await alice.SendOkAsync(group.Id, "hello, app");

        await _receiver.WaitUntilAsync(r => r.Count >= 1, "the message's event arrived");
        var request = Assert.Single(_receiver.Received);
        // Computed here from the documented recipe, not with WebhookSignature: HMAC-SHA256(secret, "<t>." + body), hex.
        var parts = request.Headers["TokenIM-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(endpoint.Secret), Encoding.ASCII.GetBytes($"{t}.").Concat(request.Body).ToArray()));
        Assert.Equal(expected, parts["v1"]);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -5, 60);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("TokenIM-Webhooks/1", request.Headers["User-Agent"]);
        var evt = request.Event;
        Assert.Equal(evt.Id, request.Headers["TokenIM-Event-Id"]);
        Assert.Equal(WebhookEventTypes.MessageCreated, request.Headers["TokenIM-Event-Type"]);
        Assert.Matches("^evt_[0-9a-f]{32}$", evt.Id);
        Assert.Equal(WebhookEventTypes.MessageCreated, evt.Type);
        Assert.Equal((sent.Id, sent.Seq, sent.SenderId, "hello, app", group.Id), (evt.Data.Message!.Id, evt.Data.Message.Seq, evt.Data.Message.SenderId, evt.Data.Message.Text, evt.Data.Message.ConversationId));
    }

    [Fact]
    public async Task EveryEventType_ArrivesWithItsData()
    {
        var (server, _) = await _factory.CreateEndpointAsync(_receiver, [.. WebhookEventTypes.All]);
        var owner = await _factory.RegisterAsync();
        var (bob, carol) = (await _factory.RegisterAsync(), await _factory.RegisterAsync());
        var appUser = await server.CreateUserAsync(_factory, externalId: "app-42");

        var group = await owner.CreateGroupAsync("all events", bob);
        Assert.Equal(HttpStatusCode.OK, (await owner.AddMembersAsync(group.Id, carol.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.RemoveMemberAsync(group.Id, bob.Id)).StatusCode);
        var sent = await owner.SendOkAsync(group.Id, "after the changes");

        // Four sign-ups/creations, then one of each conversation event.
        await _receiver.WaitUntilAsync(r => r.Count >= 8, "every event arrived");
        var events = _receiver.Accepted;
        Assert.Equal(8, events.Count);
        var users = events.Where(e => e.Type == WebhookEventTypes.UserCreated).Select(e => e.Data.User!).ToList();
        Assert.Equal(new[] { owner.Id, bob.Id, carol.Id, appUser.Id }.Order(), users.Select(u => u.Id).Order());
        Assert.Equal("app-42", Assert.Single(users, u => u.Id == appUser.Id).ExternalId);
        var created = Assert.Single(events, e => e.Type == WebhookEventTypes.ConversationCreated).Data;
        Assert.Equal((group.Id, "group", "all events", owner.Id), (created.Conversation!.Id, created.Conversation.Type, created.Conversation.Title, created.ActorId));
        Assert.Equal([owner.Id, bob.Id], created.Conversation.Members.Select(m => m.UserId));
        var added = Assert.Single(events, e => e.Type == WebhookEventTypes.MemberAdded).Data;
        Assert.Equal((group.Id, carol.Id, owner.Id), (added.ConversationId, added.UserId, added.ActorId));
        var removed = Assert.Single(events, e => e.Type == WebhookEventTypes.MemberRemoved).Data;
        Assert.Equal((group.Id, bob.Id, owner.Id), (removed.ConversationId, removed.UserId, removed.ActorId));
        Assert.Equal(sent.Id, Assert.Single(events, e => e.Type == WebhookEventTypes.MessageCreated).Data.Message!.Id);
        // One conversation's events arrive in the order they happened.
        Assert.Equal(
            [WebhookEventTypes.ConversationCreated, WebhookEventTypes.MemberAdded, WebhookEventTypes.MemberRemoved, WebhookEventTypes.MessageCreated],
            events.Where(e => e.Type != WebhookEventTypes.UserCreated).Select(e => e.Type));
    }

    [Fact]
    public async Task Endpoint_SubscribedToOneType_GetsNoOther()
    {
        await _factory.CreateEndpointAsync(_receiver, WebhookEventTypes.MemberAdded);
        var (alice, bob) = (await _factory.RegisterAsync(), await _factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("filtered");
        await alice.SendOkAsync(group.Id, "not announced");

        Assert.Equal(HttpStatusCode.OK, (await alice.AddMembersAsync(group.Id, bob.Id)).StatusCode);

        await _receiver.WaitUntilAsync(r => r.Count >= 1, "the member.added event arrived");
        Assert.Equal(WebhookEventTypes.MemberAdded, Assert.Single(_receiver.Accepted).Type);
    }

    [Fact]
    public async Task FailingReceiver_DeadAfterMaxAttempts_ThenManualRetryDelivers()
    {
        _factory.Settings["TokenIM:Webhooks:MaxAttempts"] = "3";
        var (server, endpoint) = await _factory.CreateEndpointAsync(_receiver, WebhookEventTypes.MessageCreated);
        var alice = await _factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("dead letters");
        _receiver.Status = 500;
        await alice.SendOkAsync(group.Id, "first, dies");

        await WaitForStateAsync(server, endpoint.Endpoint.Id, "dead", 1);
        var dead = Assert.Single((await server.ListWebhookDeliveriesAsync(endpoint.Endpoint.Id, state: "dead")).Deliveries);
        Assert.Equal((3, 500), (dead.Attempts, dead.LastStatusCode));
        Assert.Equal(3, _receiver.Received.Count);
        // The conversation goes on after a dead letter.
        _receiver.Status = 200;
        await alice.SendOkAsync(group.Id, "second, arrives");
        await _receiver.WaitUntilAsync(r => r.Any(x => x.Accepted), "the next event arrived");

        var retried = await server.RetryWebhookDeliveryAsync(endpoint.Endpoint.Id, dead.Id);

        Assert.Equal("pending", retried.State);
        await _receiver.WaitUntilAsync(r => r.Count(x => x.Accepted) == 2, "the retried event arrived");
        Assert.Equal(dead.EventId, _receiver.Accepted[^1].Id);
        await WaitForStateAsync(server, endpoint.Endpoint.Id, "delivered", 2);
        var again = await Assert.ThrowsAsync<TokenIM.Client.TokenImApiException>(() => server.RetryWebhookDeliveryAsync(endpoint.Endpoint.Id, dead.Id));
        Assert.Equal("webhook_delivery_not_dead", again.Code);
    }

    [Fact]
    public async Task DeliveredRows_OlderThanTheRetention_ArePruned_DeadOnesStay()
    {
        _factory.Settings["TokenIM:Webhooks:Retention"] = "00:00:01";
        _factory.Settings["TokenIM:Webhooks:MaxAttempts"] = "1";
        var (server, endpoint) = await _factory.CreateEndpointAsync(_receiver, WebhookEventTypes.MessageCreated);
        var alice = await _factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("pruned");
        _receiver.Status = 500;
        await alice.SendOkAsync(group.Id, "dies");
        await WaitForStateAsync(server, endpoint.Endpoint.Id, "dead", 1);
        _receiver.Status = 200;

        await alice.SendOkAsync(group.Id, "delivered, then pruned");

        await _receiver.WaitUntilAsync(r => r.Any(x => x.Accepted), "the second event arrived");
        await WaitForStateAsync(server, endpoint.Endpoint.Id, "delivered", 0);
        Assert.Single((await server.ListWebhookDeliveriesAsync(endpoint.Endpoint.Id)).Deliveries, d => d.State == "dead");
    }

    private static async Task WaitForStateAsync(TokenIM.Client.TokenImServerClient server, string endpointId, string state, int count)
    {
        await TwoNodes.WaitUntilAsync(
            async () => (await server.ListWebhookDeliveriesAsync(endpointId, state: state)).Deliveries.Count == count, $"{count} deliveries are {state}");
    }
}
