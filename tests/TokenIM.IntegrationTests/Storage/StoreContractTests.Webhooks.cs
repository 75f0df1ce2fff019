using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Storage;
using TokenIM.Server.Webhooks;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The webhook outbox is written in the transaction of the change it announces: nothing uncommitted is announced.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task AppendAsync_BatchThatFails_LeavesNoWebhookEvent_ACommittedSendLeavesOne()
    {
        await SubscribeAsync(WebhookEventTypes.MessageCreated);
        var owner = await NewUserAsync();
        var id = await NewGroupAsync([owner]);
        var good = Send(id, owner, "kept-later", "announced only once stored");
        // A NULL text breaks the NOT NULL column on both providers, after the first send and its event were written.
        var broken = Send(id, owner, "broken", "x") with { Text = null! };

        await Assert.ThrowsAnyAsync<Exception>(() => Chat.AppendAsync([good, broken], createdAt: 2_000, Ct));

        Assert.Empty(await Chat.GetMessagesAsync(id, null, null, 10, fromHighEnd: false, Ct));
        Assert.Equal(0, await CountWebhookEventsAsync(id, WebhookEventTypes.MessageCreated));
        var stored = Assert.Single(await Chat.AppendAsync([good], createdAt: 3_000, Ct));
        Assert.Equal(AppendStatus.Created, stored.Status);
        Assert.Equal(1, await CountWebhookEventsAsync(id, WebhookEventTypes.MessageCreated));
    }

    [Fact]
    public async Task TryCreateConversationAsync_WithSubscriber_WritesItsEventOnTheConversationsShard()
    {
        await SubscribeAsync(WebhookEventTypes.ConversationCreated);
        var owner = await NewUserAsync();

        var id = await NewGroupAsync([owner]);

        Assert.Equal(1, await CountWebhookEventsAsync(id, WebhookEventTypes.ConversationCreated));
    }

    /// <summary>An endpoint that wants <paramref name="type"/> (at a closed port: deliveries fail, events are kept).</summary>
    private async Task SubscribeAsync(string type)
    {
        var endpoints = fixture.ServerServices.GetRequiredService<WebhookEndpointService>();
        var created = await endpoints.CreateAsync(new CreateWebhookEndpointRequest("http://127.0.0.1:9/contract", [type]), Ct);
        Assert.True(created.IsSuccess, created.Error?.Detail);
    }

    private async Task<int> CountWebhookEventsAsync(string conversationId, string type)
    {
        await using var db = fixture.ServerServices.GetRequiredService<StoreShards>().For(conversationId).Create();
        return await db.WebhookEvents.CountAsync(e => e.OrderKey == conversationId && e.Type == type, Ct);
    }
}
