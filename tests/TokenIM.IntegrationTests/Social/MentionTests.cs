using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Social;

/// <summary>@username of a member and @all (owners and admins of groups only) mark a message, and count until read.</summary>
public sealed class MentionTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    [Fact]
    public async Task Mention_OfAMember_CountsInTheListAndReadingClearsIt()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var carol = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob, carol);

        // Upper case and a full stop after the name still mention bob; an e-mail address mentions nobody.
        var mention = await alice.SendOkAsync(group.Id, $"ask @{bob.Username.ToUpperInvariant()}. or mail x@{carol.Username}");
        await alice.SendOkAsync(group.Id, "no mention here");
        await alice.SendOkAsync(group.Id, $"@{bob.Username} again, and @{carol.Username}");

        Assert.Equal([bob.Id], mention.Mentions);
        Assert.Null(mention.MentionsAll);
        Assert.Equal(2, (await bob.GetConversationAsync(group.Id)).MentionCount);
        Assert.Equal(2, (await bob.ListAsync()).Single(c => c.Id == group.Id).MentionCount);
        Assert.Equal(1, (await carol.GetConversationAsync(group.Id)).MentionCount);
        Assert.Equal(0, (await alice.GetConversationAsync(group.Id)).MentionCount);

        await bob.MarkReadAsync(group.Id, mention.Seq);
        Assert.Equal(1, (await bob.GetConversationAsync(group.Id)).MentionCount);
        await bob.MarkReadAsync(group.Id, 3);
        Assert.Equal(0, (await bob.ListAsync()).Single(c => c.Id == group.Id).MentionCount);
        Assert.Equal([bob.Id], (await bob.PageAsync(group.Id)).Messages[0].Mentions);
    }

    [Fact]
    public async Task MentionAll_ByAPlainMember_IsPlainText_ByTheOwner_MentionsEveryone()
    {
        var owner = await factory.RegisterAsync();
        var member = await factory.RegisterAsync();
        var other = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g", member, other);

        var plain = await member.SendOkAsync(group.Id, "hey @all, lunch?");
        Assert.Null(plain.MentionsAll);
        Assert.Null(plain.Mentions);
        Assert.Equal(0, (await other.GetConversationAsync(group.Id)).MentionCount);

        var all = await owner.SendOkAsync(group.Id, "@all meeting at ten");
        Assert.True(all.MentionsAll);
        Assert.Equal(1, (await other.GetConversationAsync(group.Id)).MentionCount);
        Assert.Equal(1, (await member.GetConversationAsync(group.Id)).MentionCount);
    }

    [Fact]
    public async Task MentionAll_InADirectConversation_IsPlainText()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var direct = await alice.DirectAsync(bob.Id);

        var message = await alice.SendOkAsync(direct.Id, "@all of you");

        Assert.Null(message.MentionsAll);
        Assert.Equal(0, (await bob.GetConversationAsync(direct.Id)).MentionCount);
    }

    [Fact]
    public async Task Mention_OfAUserWhoIsNotAMember_IsNothing()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var outsider = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);

        var message = await alice.SendOkAsync(group.Id, $"@{outsider.Username} and @zz-nobody.here");

        Assert.Null(message.Mentions);
        Assert.Null((await alice.PageAsync(group.Id)).Messages.Single().Mentions);
    }

    [Fact]
    public async Task Mention_ArrivesLiveOnTheMentionedUsersSocket()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 71);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 72);
        var group = await alice.Rest.CreateGroupAsync("g", [bob.UserId]);
        await bob.ConnectAsync();

        await alice.Rest.SendMessageAsync(group.Id, new SendMessageRequest("m-1", $"hi @{bob.Username}"));
        await bob.Log.WaitForAsync(group.Id, 1, SdkDevice.Timeout, "bob");

        Assert.Equal([bob.UserId], bob.Log.Of(group.Id).Single().Mentions);
    }

    [Fact]
    public async Task ConversationEvent_ToEveryMember_CarriesEachOnesOwnMentionCount()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 73);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 74);
        await using var carol = await SdkDevice.RegisterAsync(factory, seed: 75);
        var group = await alice.Rest.CreateGroupAsync("g", [bob.UserId, carol.UserId]);
        await alice.Rest.SendMessageAsync(group.Id, new SendMessageRequest("m-1", $"@{bob.Username} look"));
        await Task.WhenAll(bob.ConnectAsync(), carol.ConnectAsync());
        Task<Protocol.Ws.ConversationEvent> Renamed(SdkDevice device)
        {
            var heard = new TaskCompletionSource<Protocol.Ws.ConversationEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            device.Realtime.ConversationChanged += (_, change) =>
            {
                if (change.Conversation.Title == "renamed")
                    heard.TrySetResult(change);
            };
            return heard.Task.WaitAsync(SdkDevice.Timeout);
        }

        var (toBob, toCarol) = (Renamed(bob), Renamed(carol));
        await alice.Rest.RenameGroupAsync(group.Id, "renamed");

        Assert.Equal(1, (await toBob).Conversation.MentionCount);
        Assert.Equal(0, (await toCarol).Conversation.MentionCount);
    }
}
