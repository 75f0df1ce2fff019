using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.IntegrationTests.Webhooks;

/// <summary>Changes made by the app through the server API are announced like the users' own.</summary>
public sealed class WebhookServerApiTests
{
    [Fact]
    public async Task ServerApiConversationMembersAndMessage_EachAnnounced_InOrder()
    {
        await using var factory = new TokenImFactory();
        factory.UseFastWebhooks();
        await using var receiver = await WebhookReceiver.StartAsync();
        await factory.CreateEndpointAsync(receiver, WebhookEventTypes.ConversationCreated, WebhookEventTypes.MemberAdded, WebhookEventTypes.MessageCreated);
        using var server = await factory.ServerClientAsync();
        var (owner, peer, late) = (await server.CreateUserAsync(factory), await server.CreateUserAsync(factory), await server.CreateUserAsync(factory));

        var group = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Group, owner.Id, [peer.Id], Title: "made by the app"));
        await server.AddMembersAsync(group.Id, [late.Id]);
        var sent = await server.SendMessageAsync(group.Id, owner.Id, "app-1", "sent by the app as the owner");

        await receiver.WaitUntilAsync(r => r.Count(x => x.Accepted) == 3, "the three events arrived");
        var events = receiver.Accepted;
        Assert.Equal([WebhookEventTypes.ConversationCreated, WebhookEventTypes.MemberAdded, WebhookEventTypes.MessageCreated], events.Select(e => e.Type));
        Assert.Equal((group.Id, owner.Id), (events[0].Data.Conversation!.Id, events[0].Data.ActorId));
        Assert.Equal(late.Id, events[1].Data.UserId);
        Assert.Equal(sent.Id, events[2].Data.Message!.Id);
    }
}
