using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Chat;

namespace TokenIM.IntegrationTests.Social;

/// <summary>A blocked user cannot send to the direct conversation shared with the blocker; groups are not affected.</summary>
public sealed class BlockTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    [Fact]
    public async Task Block_DirectSendFromTheBlockedUser_Is403AndStoresNothing_UntilUnblocked()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 61);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 62);
        var direct = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await bob.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("b-1", "before the block"));

        await alice.Rest.BlockUserAsync(bob.UserId);
        var refused = await Assert.ThrowsAsync<TokenIM.Client.TokenImApiException>(
            () => bob.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("b-2", "after the block")));

        Assert.Equal(ErrorCode.BlockedByUser.Code, refused.Code);
        // Nothing stored and no seq used: the next accepted message takes seq 2.
        Assert.Equal(1, (await alice.Rest.GetConversationAsync(direct.Id)).LastSeq);
        // The blocker still writes to the blocked user.
        Assert.Equal(2, (await alice.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("a-1", "I can still write"))).Seq);
        Assert.Equal([bob.UserId], (await alice.Rest.ListBlockedUsersAsync()).Select(u => u.Id));

        await alice.Rest.UnblockUserAsync(bob.UserId);
        Assert.Equal(3, (await bob.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("b-2", "after the unblock"))).Seq);
        Assert.Empty(await alice.Rest.ListBlockedUsersAsync());
    }

    [Fact]
    public async Task Block_ResendOfAMessageSentBeforeTheBlock_AnswersTheOriginal()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 63);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 64);
        var direct = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        var original = await bob.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("b-1", "before the block"));

        await alice.Rest.BlockUserAsync(bob.UserId);
        // Bob's device never saw the ack and retries: sends are idempotent, so it gets the original, not a refusal.
        var resent = await bob.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("b-1", "before the block"));

        Assert.Equal((original.Id, original.Seq), (resent.Id, resent.Seq));
        Assert.Equal(1, (await alice.Rest.GetConversationAsync(direct.Id)).LastSeq);
        // A new clientMsgId is still refused.
        var refused = await Assert.ThrowsAsync<TokenIM.Client.TokenImApiException>(
            () => bob.Rest.SendMessageAsync(direct.Id, new SendMessageRequest("b-2", "after the block")));
        Assert.Equal(ErrorCode.BlockedByUser.Code, refused.Code);
    }

    [Fact]
    public async Task Block_GroupSendsOfTheBlockedUser_AreNotAffected_NorAGroupOfTwo()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var carol = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("three", bob, carol);
        var pair = await alice.CreateGroupAsync("just us", bob);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.BlockAsync(bob.Id)).StatusCode);

        Assert.Equal(1, (await bob.SendOkAsync(group.Id, "groups still work")).Seq);
        Assert.Equal(1, (await bob.SendOkAsync(pair.Id, "a group of two is a group")).Seq);
    }

    [Fact]
    public async Task Block_OverTheSocket_IsRefusedWithTheSameCode()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 63);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 64);
        var direct = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.Rest.BlockUserAsync(bob.UserId);
        await bob.ConnectAsync();

        var refused = await Assert.ThrowsAsync<TokenIM.Client.TokenImApiException>(
            () => bob.Realtime.SendAsync(direct.Id, new SendMessageRequest("s-1", "over the socket")).WaitAsync(SdkDevice.Timeout));

        Assert.Equal(ErrorCode.BlockedByUser.Code, refused.Code);
        Assert.Equal(0, (await alice.Rest.GetConversationAsync(direct.Id)).LastSeq);
    }

    [Fact]
    public async Task Block_TheCallerOrAnUnknownUser_Is400Or404_AndBlockingTwiceChangesNothing()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();

        await (await alice.BlockAsync(alice.Id)).ReadProblemAsync(ErrorCode.ValidationFailed);
        await (await alice.BlockAsync("no-such-user")).ReadProblemAsync(ErrorCode.UserNotFound);
        await (await alice.DeleteAsync("/api/v1/users/no-such-user/block")).ReadProblemAsync(ErrorCode.UserNotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.BlockAsync(bob.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.BlockAsync(bob.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/v1/users/{bob.Id}/block")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/v1/users/{bob.Id}/block")).StatusCode);
        Assert.Empty((await alice.GetOkAsync<UserList>("/api/v1/users/me/blocks")).Users);
    }

    [Fact]
    public async Task Block_MadeOnOneNode_RefusesSendsOnBothNodes()
    {
        await using var nodes = TwoNodes.Start();
        var alice = await nodes.First.RegisterAsync();
        var bob = await nodes.First.RegisterAsync();
        using var bobOnFirst = TwoNodes.ClientOf(nodes.First, bob);
        using var bobOnSecond = TwoNodes.ClientOf(nodes.Second, bob);
        using var aliceOnFirst = TwoNodes.ClientOf(nodes.First, alice);
        var direct = await (await aliceOnFirst.PostJsonAsync(ChatTestHelpers.Conversations, new CreateConversationRequest(ConversationTypes.Direct, PeerId: bob.Id)))
            .ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var path = $"{ChatTestHelpers.Conversations}/{direct.Id}/messages";
        // Both nodes now hold alice's (empty) block list in memory: the block must reach the second one's cache.
        Assert.Equal(HttpStatusCode.Created, (await bobOnFirst.PostJsonAsync(path, new SendMessageRequest("n1-1", "via the first node"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await bobOnSecond.PostJsonAsync(path, new SendMessageRequest("n2-1", "via the second node"))).StatusCode);
        var secondsList = nodes.Second.Services.GetRequiredService<BlockList>();
        Assert.True(secondsList.IsCached(alice.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await aliceOnFirst.PutAsync($"/api/v1/users/{bob.Id}/block", null, TestContext.Current.CancellationToken)).StatusCode);
        // The bus carries the change to the second node (Redis pub/sub: milliseconds); wait for that, not for a time.
        await TwoNodes.WaitUntilAsync(() => Task.FromResult(!secondsList.IsCached(alice.Id)), "the second node dropped alice's block list");

        await (await bobOnFirst.PostJsonAsync(path, new SendMessageRequest("n1-2", "refused"))).ReadProblemAsync(ErrorCode.BlockedByUser);
        await (await bobOnSecond.PostJsonAsync(path, new SendMessageRequest("n2-2", "refused too"))).ReadProblemAsync(ErrorCode.BlockedByUser);
        Assert.Equal(2, (await (await aliceOnFirst.GetAsync($"{ChatTestHelpers.Conversations}/{direct.Id}", TestContext.Current.CancellationToken)).ReadAsync<ConversationDto>()).LastSeq);
    }
}
