using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Social;

/// <summary>Replies carry a preview of the quoted message as it is now; forwards copy a message the sender may read, naming its origin.</summary>
public sealed class ReplyForwardTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    [Fact]
    public async Task Reply_SentThroughTheSdk_CarriesThePreviewLiveAndInHistory()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 91);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 92);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        // 99 letters and then an emoji of two UTF-16 units: the preview ends after the emoji (100 characters), never inside it.
        var quotedText = new string('a', 99) + "😀" + "and more words that the preview leaves out";
        var quoted = await alice.Rest.SendMessageAsync(conversation.Id, new SendMessageRequest("q-1", quotedText));
        await alice.ConnectAsync();

        var reply = await bob.Rest.SendMessageAsync(conversation.Id, new SendMessageRequest("r-1", "agreed", ReplyToId: quoted.Id));
        // Alice's socket opened after her own message: it delivers what came since, the reply.
        await alice.Log.WaitForAsync(conversation.Id, 1, Timeout, "alice");

        var expected = new MessageReplyDto(quoted.Id, quoted.Seq, alice.UserId, new string('a', 99) + "😀");
        Assert.Equal(expected, reply.ReplyTo);
        Assert.Equal(expected, alice.Log.Of(conversation.Id).Single(m => m.Id == reply.Id).ReplyTo);
        var history = await bob.Rest.GetMessagesAsync(conversation.Id);
        Assert.Equal(expected, history.Messages.Single(m => m.Id == reply.Id).ReplyTo);
        Assert.Null(history.Messages.Single(m => m.Id == quoted.Id).ReplyTo);
    }

    [Fact]
    public async Task Reply_QuotedMessageRecalledLater_PreviewIsEmptyAndRecalled()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);
        var quoted = await alice.SendOkAsync(group.Id, "I will take this back");
        var reply = await bob.ReplyOkAsync(group.Id, "too late, I saw it", quoted.Id);
        Assert.Equal("I will take this back", reply.ReplyTo?.Text);

        await factory.RecallInDatabaseAsync(group.Id, quoted.Seq, alice.Id);

        var page = await bob.PageAsync(group.Id);
        Assert.Equal(new MessageReplyDto(quoted.Id, quoted.Seq, alice.Id, "", Recalled: true), page.Messages.Single(m => m.Id == reply.Id).ReplyTo);
        // And a recalled message cannot be quoted any more.
        await (await bob.SendWithAsync(group.Id, new SendMessageRequest("r-2", "again", ReplyToId: quoted.Id))).ReadProblemAsync(ErrorCode.MessageRecalled);
    }

    [Fact]
    public async Task Reply_ToAMessageOfAnotherConversation_Is404MessageNotFoundAndStoresNothing()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var first = await alice.CreateGroupAsync("first", bob);
        var second = await alice.CreateGroupAsync("second", bob);
        var elsewhere = await alice.SendOkAsync(first.Id, "in the first group");

        await (await bob.SendWithAsync(second.Id, new SendMessageRequest("r-x", "hm", ReplyToId: elsewhere.Id))).ReadProblemAsync(ErrorCode.MessageNotFound);

        Assert.Equal(0, (await bob.GetConversationAsync(second.Id)).LastSeq);
    }

    [Fact]
    public async Task Forward_FromAConversationTheSenderLeft_Is404MessageNotFound()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var source = await alice.CreateGroupAsync("source", bob);
        var secret = await alice.SendOkAsync(source.Id, "said before bob left");
        var target = await bob.DirectAsync(alice.Id);
        Assert.Equal(HttpStatusCode.Created, (await bob.ForwardAsync(target.Id, source.Id, secret.Id)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await bob.RemoveMemberAsync(source.Id, bob.Id)).StatusCode);
        var refused = await (await bob.ForwardAsync(target.Id, source.Id, secret.Id)).ReadProblemAsync(ErrorCode.MessageNotFound);

        // Answered like a message that does not exist: the source conversation is not named.
        Assert.DoesNotContain(source.Id, refused.Detail ?? "", StringComparison.Ordinal);
        Assert.Equal(1, (await bob.GetConversationAsync(target.Id)).LastSeq);
    }

    [Fact]
    public async Task Forward_OfAForward_KeepsTheOriginsSenderAndTime()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var carol = await factory.RegisterAsync();
        var origin = await alice.CreateGroupAsync("origin", bob);
        var original = await alice.SendOkAsync(origin.Id, "the news");
        var bobAndCarol = await bob.DirectAsync(carol.Id);
        var carolsGroup = await carol.CreateGroupAsync("carol's");

        var once = await (await bob.ForwardAsync(bobAndCarol.Id, origin.Id, original.Id)).ReadAsync<MessageDto>(HttpStatusCode.Created);
        var twice = await (await carol.ForwardAsync(carolsGroup.Id, bobAndCarol.Id, once.Id)).ReadAsync<MessageDto>(HttpStatusCode.Created);

        var expected = new ForwardedFromDto(alice.Id, original.CreatedAt);
        Assert.Equal(("the news", expected), (once.Text, once.ForwardedFrom));
        Assert.Equal(("the news", expected), (twice.Text, twice.ForwardedFrom));
        Assert.Equal(carol.Id, twice.SenderId);
        Assert.Equal(expected, (await carol.PageAsync(carolsGroup.Id)).Messages.Single().ForwardedFrom);
    }

    [Fact]
    public async Task Forward_WithATextOfItsOwn_Is400()
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("solo");
        var original = await alice.SendOkAsync(group.Id, "first");

        var response = await alice.SendWithAsync(group.Id, new SendMessageRequest("f-1", "my comment", ForwardOf: new MessageRefDto(group.Id, original.Id)));

        Assert.Contains("text", (await response.ReadProblemAsync(ErrorCode.ValidationFailed)).Errors!.Keys);
    }
}
