using System.Net;
using TokenIM.Client;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.IntegrationTests.Social;

/// <summary>Muted, pinned and archived are each member's own; pinned conversations lead the list.</summary>
public sealed class ConversationSettingsTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    [Fact]
    public async Task UpdateSettings_ThroughTheSdk_AreTheCallersOwn_AndReachTheirOtherDeviceOnly()
    {
        await using var phone = await SdkDevice.RegisterAsync(factory, seed: 81);
        await using var laptop = await SdkDevice.LoginAsync(factory, phone.Username, seed: 82);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 83);
        var group = await phone.Rest.CreateGroupAsync("g", [bob.UserId]);
        await Task.WhenAll(laptop.ConnectAsync(), bob.ConnectAsync());
        var heard = new TaskCompletionSource<ConversationEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        laptop.Realtime.ConversationChanged += (_, change) =>
        {
            if (change.Event == ConversationEvents.SettingsChanged)
                heard.TrySetResult(change);
        };
        var bobHeard = 0;
        bob.Realtime.ConversationChanged += (_, change) => Interlocked.Increment(ref bobHeard);

        var updated = await phone.Rest.UpdateConversationSettingsAsync(group.Id, muted: true, archived: true);

        Assert.Equal((true, false, true), (updated.Muted, updated.Pinned, updated.Archived));
        var change = await heard.Task.WaitAsync(SdkDevice.Timeout);
        Assert.Equal((group.Id, true, true), (change.Conversation.Id, change.Conversation.Muted, change.Conversation.Archived));
        var seenByBob = await bob.Rest.GetConversationAsync(group.Id);
        Assert.Equal((false, false, false), (seenByBob.Muted, seenByBob.Pinned, seenByBob.Archived));
        // A pong is the barrier: an event for bob would have been queued before it.
        await bob.Realtime.PingAsync().WaitAsync(SdkDevice.Timeout);
        Assert.Equal(0, Volatile.Read(ref bobHeard));

        // A field left out keeps its value; a message does not unarchive.
        await bob.Rest.SendMessageAsync(group.Id, new SendMessageRequest("s-1", "hello"));
        var again = await phone.Rest.UpdateConversationSettingsAsync(group.Id, muted: false);
        Assert.Equal((false, true, 1L), (again.Muted, again.Archived, again.UnreadCount));
    }

    [Fact]
    public async Task List_PinnedConversationsFirst_MostRecentlyPinnedFirst_ThenByActivity()
    {
        var alice = await factory.RegisterAsync();
        var a = await alice.CreateGroupAsync("a");
        var b = await alice.CreateGroupAsync("b");
        var c = await alice.CreateGroupAsync("c");
        var d = await alice.CreateGroupAsync("d");
        await alice.SendOkAsync(a.Id, "a is the oldest activity");
        await alice.SendOkAsync(b.Id, "then b");
        await alice.SendOkAsync(c.Id, "then c");
        await alice.SendOkAsync(d.Id, "d is the newest");

        Assert.Equal(HttpStatusCode.OK, (await alice.SettingsAsync(b.Id, new(Pinned: true))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.SettingsAsync(a.Id, new(Pinned: true))).StatusCode);
        // Pinning again keeps the first pin's time.
        Assert.Equal(HttpStatusCode.OK, (await alice.SettingsAsync(b.Id, new(Pinned: true))).StatusCode);

        var order = (await alice.ListAsync()).Select(x => x.Id).ToList();
        Assert.Equal([a.Id, b.Id, d.Id, c.Id], order);

        await alice.SettingsAsync(a.Id, new(Pinned: false));
        Assert.Equal([b.Id, d.Id, c.Id, a.Id], (await alice.ListAsync()).Select(x => x.Id));
    }

    [Fact]
    public async Task UpdateSettings_NotAMember_Is404BeforeTheBody_AndAnEmptyBodyIs400()
    {
        var alice = await factory.RegisterAsync();
        var outsider = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");

        await (await outsider.SettingsAsync(group.Id, new())).ReadProblemAsync(ErrorCode.ConversationNotFound);
        await (await outsider.SettingsAsync(group.Id, new(Muted: true))).ReadProblemAsync(ErrorCode.ConversationNotFound);
        await (await alice.SettingsAsync(group.Id, new())).ReadProblemAsync(ErrorCode.ValidationFailed);
        await using var stranger = await SdkDevice.RegisterAsync(factory, seed: 84);
        var sdkError = await Assert.ThrowsAsync<TokenImApiException>(
            () => stranger.Rest.UpdateConversationSettingsAsync(group.Id, pinned: true, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.ConversationNotFound.Code, sdkError.Code);
    }
}
