using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>Edit, recall, delete for me, reactions and the change cursor over REST, with their authorization.</summary>
public sealed class MessageChangeTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Edit_BySender_ReplacesTextSetsEditedAtAndTakesTheNextChangeSeq()
    {
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("g", bob);
        var message = await alice.SendOkAsync(group.Id, "helo");

        var edited = await (await EditAsync(alice, group.Id, message.Id, "hello")).ReadAsync<MessageDto>();
        var again = await (await EditAsync(alice, group.Id, message.Id, "hello!")).ReadAsync<MessageDto>();

        Assert.Equal(("hello", 1L, message.Seq), (edited.Text, edited.ChangeSeq, edited.Seq));
        Assert.NotNull(edited.EditedAt);
        Assert.Equal(("hello!", 2L), (again.Text, again.ChangeSeq));
        var seen = (await bob.PageAsync(group.Id)).Messages.Single();
        Assert.Equal(("hello!", 2L, message.Id), (seen.Text, seen.ChangeSeq, seen.Id));
        var conversation = await bob.GetConversationAsync(group.Id);
        Assert.Equal((1L, 2L), (conversation.LastSeq, conversation.LastChangeSeq));
    }

    [Fact]
    public async Task Edit_ByAnotherMemberOrOutsiderOrWrongConversation_IsRefused()
    {
        var (alice, bob, mallory) = (await factory.RegisterAsync(), await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("g", bob);
        var other = await alice.CreateGroupAsync("other", bob);
        var message = await alice.SendOkAsync(group.Id, "mine");

        await (await EditAsync(bob, group.Id, message.Id, "bob's now")).ReadProblemAsync(ErrorCode.PermissionDenied);
        await (await EditAsync(mallory, group.Id, message.Id, "mallory's now")).ReadProblemAsync(ErrorCode.ConversationNotFound);
        await (await EditAsync(alice, other.Id, message.Id, "elsewhere")).ReadProblemAsync(ErrorCode.MessageNotFound);
        await (await EditAsync(alice, group.Id, message.Id, "   ")).ReadProblemAsync(ErrorCode.ValidationFailed);
        await (await alice.DeleteAsync(Path(group.Id, message.Id, "reactions/%F0%9F%91%8D"))).ReadAsync<MessageDto>();
        await (await mallory.Client.PutAsync(Path(group.Id, message.Id, "reactions/%F0%9F%91%8D"), null, Ct)).ReadProblemAsync(ErrorCode.ConversationNotFound);
        await (await mallory.DeleteAsync(Path(group.Id, message.Id))).ReadProblemAsync(ErrorCode.ConversationNotFound);
        await (await mallory.Client.PostAsync(Path(group.Id, message.Id, "hide"), null, Ct)).ReadProblemAsync(ErrorCode.ConversationNotFound);
        await (await mallory.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}/changes")).ReadProblemAsync(ErrorCode.ConversationNotFound);

        var stored = (await alice.PageAsync(group.Id)).Messages.Single();
        Assert.Equal(("mine", null), (stored.Text, stored.ChangeSeq));
        Assert.Equal(0, (await alice.GetConversationAsync(group.Id)).LastChangeSeq);
    }

    [Fact]
    public async Task Recall_Tombstone_KeepsSeqAndUnreadCount_DropsReactions_AndRepeatsTheSameTombstone()
    {
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("g", bob);
        var sent = await alice.SendManyAsync(group.Id, 3);
        await (await bob.Client.PutAsync(Path(group.Id, sent[1].Id, "reactions/%F0%9F%94%A5"), null, Ct)).ReadAsync<MessageDto>();

        var tombstone = await (await alice.DeleteAsync(Path(group.Id, sent[1].Id))).ReadAsync<MessageDto>();
        var again = await (await alice.DeleteAsync(Path(group.Id, sent[1].Id))).ReadAsync<MessageDto>();

        Assert.Equal((sent[1].Id, 2L, "", true, alice.Id, 2L), (tombstone.Id, tombstone.Seq, tombstone.Text, tombstone.Recalled, tombstone.RecalledBy, tombstone.ChangeSeq));
        Assert.Null(tombstone.Reactions);
        Assert.Equal(tombstone, again);
        var conversation = await bob.GetConversationAsync(group.Id);
        Assert.Equal((3L, 3L, 2L), (conversation.LastSeq, conversation.UnreadCount, conversation.LastChangeSeq));
        Assert.Equal([1L, 2, 3], (await bob.PageAsync(group.Id)).Messages.Select(m => m.Seq));
        await (await bob.Client.PutAsync(Path(group.Id, sent[1].Id, "reactions/%F0%9F%94%A5"), null, Ct)).ReadProblemAsync(ErrorCode.MessageRecalled);
        await (await EditAsync(alice, group.Id, sent[1].Id, "back")).ReadProblemAsync(ErrorCode.MessageRecalled);
        await (await bob.DeleteAsync(Path(group.Id, sent[0].Id))).ReadProblemAsync(ErrorCode.PermissionDenied);
    }

    [Fact]
    public async Task Reactions_AggregateByFirstUse_AndRepeatsAreNotChanges()
    {
        var users = await factory.RegisterManyAsync(3);
        var group = await users[0].CreateGroupAsync("g", users[1..]);
        var message = await users[0].SendOkAsync(group.Id, "react to me");

        await React(users[1], "%E2%9D%A4%EF%B8%8F");
        await React(users[0], "%F0%9F%91%8D");
        await React(users[2], "%E2%9D%A4%EF%B8%8F");
        await React(users[2], "%E2%9D%A4%EF%B8%8F");
        await (await users[1].DeleteAsync(Path(group.Id, message.Id, "reactions/%F0%9F%8E%89"))).ReadAsync<MessageDto>();
        var last = await React(users[1], "%F0%9F%91%8D");
        await (await users[1].Client.PutAsync(Path(group.Id, message.Id, "reactions/%F0%9F%92%A9"), null, Ct)).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.Equal(4L, last.ChangeSeq);
        Assert.Equal(
            [("❤️", 2, new[] { users[1].Id, users[2].Id }), ("👍", 2, new[] { users[0].Id, users[1].Id })],
            last.Reactions!.Select(r => (r.Emoji, r.Count, r.UserIds.ToArray())));
        var read = (await users[2].PageAsync(group.Id)).Messages.Single();
        Assert.Equal(last.Reactions!.Select(r => (r.Emoji, r.Count)), read.Reactions!.Select(r => (r.Emoji, r.Count)));
        Assert.Equal(4L, (await users[0].GetConversationAsync(group.Id)).LastChangeSeq);

        async Task<MessageDto> React(TestUser user, string emoji) =>
            await (await user.Client.PutAsync(Path(group.Id, message.Id, $"reactions/{emoji}"), null, Ct)).ReadAsync<MessageDto>();
    }

    [Fact]
    public async Task Hide_HidesForTheCallerOnly_InHistoryAndChanges()
    {
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("g", bob);
        var sent = await alice.SendManyAsync(group.Id, 2);
        await EditAsync(alice, group.Id, sent[0].Id, "edited");

        var hide = await bob.Client.PostAsync(Path(group.Id, sent[0].Id, "hide"), null, Ct);
        var hideMissing = await bob.Client.PostAsync(Path(group.Id, "no-such-message", "hide"), null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, hide.StatusCode);
        await hideMissing.ReadProblemAsync(ErrorCode.MessageNotFound);
        var bobs = (await bob.PageAsync(group.Id)).Messages;
        Assert.Equal([(1L, true, ""), (2L, (bool?)null, "message 2")], bobs.Select(m => (m.Seq, m.Hidden, m.Text)));
        var bobsChanges = await bob.GetOkAsync<ChangePage>($"{ChatTestHelpers.Conversations}/{group.Id}/changes?afterChangeSeq=0");
        Assert.Equal([(true, "")], bobsChanges.Messages.Select(m => (m.Hidden, m.Text)));
        Assert.Equal(["edited", "message 2"], (await alice.PageAsync(group.Id)).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Changes_PageAscending_EachMessageOnceAtItsLatestChange()
    {
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await alice.CreateGroupAsync("g", bob);
        var sent = await alice.SendManyAsync(group.Id, 3);
        await EditAsync(alice, group.Id, sent[2].Id, "c1");
        await EditAsync(alice, group.Id, sent[0].Id, "a1");
        await EditAsync(alice, group.Id, sent[2].Id, "c2");
        await EditAsync(alice, group.Id, sent[1].Id, "b1");

        var first = await bob.GetOkAsync<ChangePage>($"{ChatTestHelpers.Conversations}/{group.Id}/changes?afterChangeSeq=0&limit=2");
        var rest = await bob.GetOkAsync<ChangePage>($"{ChatTestHelpers.Conversations}/{group.Id}/changes?afterChangeSeq={first.Messages[^1].ChangeSeq}");
        var bad = await bob.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}/changes?afterChangeSeq=-1&limit=101");

        Assert.Equal([("a1", 2L), ("c2", 3L)], first.Messages.Select(m => (m.Text, m.ChangeSeq!.Value)));
        Assert.True(first.HasMore);
        Assert.Equal([("b1", 4L)], rest.Messages.Select(m => (m.Text, m.ChangeSeq!.Value)));
        Assert.False(rest.HasMore);
        var problem = await bad.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.Equal(["afterChangeSeq", "limit"], problem.Errors!.Keys.Order());
    }

    [Fact]
    public async Task Reactions_50Concurrent_ChangeSeqsAreExactlyOneTo50()
    {
        const int reactors = 50;
        var users = await factory.RegisterManyAsync(reactors);
        var group = await users[0].CreateGroupAsync("busy", users[1..]);
        var message = await users[0].SendOkAsync(group.Id, "react!");

        var answers = await Task.WhenAll(users.Select(async (user, i) =>
            await (await user.Client.PutAsync(Path(group.Id, message.Id, i % 2 == 0 ? "reactions/%F0%9F%91%8D" : "reactions/%F0%9F%8E%89"), null, Ct)).ReadAsync<MessageDto>()));

        Assert.Equal(Enumerable.Range(1, reactors).Select(i => (long)i), answers.Select(m => m.ChangeSeq!.Value).Order());
        var final = (await users[1].PageAsync(group.Id)).Messages.Single();
        Assert.Equal((50L, 50), (final.ChangeSeq!.Value, final.Reactions!.Sum(r => r.Count)));
        Assert.All(final.Reactions!, r => Assert.Equal(Protocol.Rest.Reactions.MaxListedUsers, r.UserIds.Count));
        var conversation = await users[1].GetConversationAsync(group.Id);
        Assert.Equal((50L, 1L), (conversation.LastChangeSeq, conversation.UnreadCount));
    }

    [Fact]
    public async Task Windows_Closed_SenderIsRefused_GroupAdminStillRecalls()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var server = new TokenImFactory { Clock = clock };
        server.Settings["TokenIM:Messages:EditWindow"] = "00:01:00";
        server.Settings["TokenIM:Messages:RecallWindow"] = "00:02:00";
        var (owner, alice) = (await server.RegisterAsync(), await server.RegisterAsync());
        var group = await owner.CreateGroupAsync("g", alice);
        var (early, late) = (await alice.SendOkAsync(group.Id, "early"), await alice.SendOkAsync(group.Id, "late"));

        clock.Advance(TimeSpan.FromSeconds(61));
        await (await EditAsync(alice, group.Id, early.Id, "too late")).ReadProblemAsync(ErrorCode.EditWindowClosed);
        var recalledInTime = await (await alice.DeleteAsync(Path(group.Id, late.Id))).ReadAsync<MessageDto>();
        clock.Advance(TimeSpan.FromSeconds(60));
        await (await alice.DeleteAsync(Path(group.Id, early.Id))).ReadProblemAsync(ErrorCode.RecallWindowClosed);
        var byOwner = await (await owner.DeleteAsync(Path(group.Id, early.Id))).ReadAsync<MessageDto>();

        Assert.Equal((true, alice.Id), (recalledInTime.Recalled, recalledInTime.RecalledBy));
        Assert.Equal((true, owner.Id, 2L), (byOwner.Recalled, byOwner.RecalledBy, byOwner.ChangeSeq));
    }

    private static string Path(string conversationId, string messageId, string? suffix = null) =>
        $"{ChatTestHelpers.Conversations}/{conversationId}/messages/{messageId}" + (suffix is null ? "" : "/" + suffix);

    private static Task<HttpResponseMessage> EditAsync(TestUser user, string conversationId, string messageId, string text) =>
        user.Client.PatchAsJsonAsync(Path(conversationId, messageId), new EditMessageRequest(text), Api.Json, Ct);
}
