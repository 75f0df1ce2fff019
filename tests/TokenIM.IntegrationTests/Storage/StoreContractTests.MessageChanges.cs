using Microsoft.Extensions.DependencyInjection;
using TokenIM.Protocol.Rest;
using TokenIM.Server;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of message changes (<see cref="IMessageChangeStore"/>): the change counter, reactions, recall, hide.</summary>
public abstract partial class StoreContractTests
{
    private IMessageChangeStore Changes => fixture.ServerServices.GetRequiredService<IMessageChangeStore>();

    [Fact]
    public async Task ChangeMessageAsync_50ConcurrentReactions_TakeChangeSeqsOneTo50WithoutGaps()
    {
        const int reactors = 50;
        var users = new string[reactors];
        for (var i = 0; i < reactors; i++)
            users[i] = await NewUserAsync();
        var id = await NewGroupAsync(users);
        var message = (await Chat.AppendAsync([Send(id, users[0])], createdAt: 2_000, Ct))[0].Message!;

        // Each on its own connection and transaction, all at once: they meet at the conversation's lock.
        var outcomes = await Task.WhenAll(users.Select((user, i) => Task.Run(() =>
            Changes.ChangeMessageAsync(id, message.Id, _ => new MessageChange(MessageChangeKind.AddReaction, user, 3_000 + i, Emoji: Reactions.Allowed[i % 3]), Ct))));

        Assert.All(outcomes, o => Assert.True(o.Value?.Changed));
        Assert.Equal(Enumerable.Range(1, reactors).Select(i => (long)i), outcomes.Select(o => o.Value!.Message.ChangeSeq).Order());
        Assert.Equal(reactors, (await Chat.FindConversationAsync(id, Ct))?.LastChangeSeq);
        Assert.Equal(reactors, (await Changes.GetReactionsAsync(id, [message.Seq], Ct)).Count);
        var changed = await Changes.GetChangesAsync(id, 0, 10, Ct);
        Assert.Equal([(message.Seq, (long)reactors)], changed.Select(m => (m.Seq, m.ChangeSeq)));
        Assert.Equal(1, (await Chat.FindMembershipAsync(id, users[1], Ct))?.LastSeq);
    }

    [Fact]
    public async Task ChangeMessageAsync_NoOpsAndFailures_LeaveTheCounterAlone()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([a, b]);
        var sent = await Chat.AppendAsync([Send(id, a, text: "one"), Send(id, b, text: "two")], createdAt: 2_000, Ct);
        var (first, second) = (sent[0].Message!, sent[1].Message!);

        var removedNothing = await Changes.ChangeMessageAsync(id, first.Id, _ => new MessageChange(MessageChangeKind.RemoveReaction, b, 3_000, Emoji: "👍"), Ct);
        var added = await Changes.ChangeMessageAsync(id, first.Id, _ => new MessageChange(MessageChangeKind.AddReaction, b, 3_001, Emoji: "👍"), Ct);
        var addedAgain = await Changes.ChangeMessageAsync(id, first.Id, _ => new MessageChange(MessageChangeKind.AddReaction, b, 3_002, Emoji: "👍"), Ct);
        var refused = await Changes.ChangeMessageAsync(id, first.Id, _ => new Failure(Protocol.ErrorCode.PermissionDenied, "no"), Ct);
        var recalled = await Changes.ChangeMessageAsync(id, first.Id, _ => new MessageChange(MessageChangeKind.Recall, a, 3_003), Ct);
        var recalledAgain = await Changes.ChangeMessageAsync(id, first.Id, _ => new MessageChange(MessageChangeKind.Recall, a, 3_004), Ct);
        var missing = await Changes.ChangeMessageAsync(id, "no-such-message", m => m is null ? new Failure(Protocol.ErrorCode.MessageNotFound, "none") : (MessageChange?)null, Ct);
        var edited = await Changes.ChangeMessageAsync(id, second.Id, _ => new MessageChange(MessageChangeKind.Edit, b, 3_005, Text: "two, edited"), Ct);

        Assert.Equal([false, true, false, true, false, true], new[] { removedNothing, added, addedAgain, recalled, recalledAgain, edited }.Select(o => o.Value!.Changed));
        Assert.Equal(Protocol.ErrorCode.PermissionDenied, refused.Error?.Code);
        Assert.Equal(Protocol.ErrorCode.MessageNotFound, missing.Error?.Code);
        Assert.Equal(3, (await Chat.FindConversationAsync(id, Ct))?.LastChangeSeq);
        var tombstone = recalledAgain.Value!.Message;
        Assert.Equal(("", 2L, 3_003L, a, 1L), (tombstone.Text, tombstone.ChangeSeq, tombstone.RecalledAt, tombstone.RecalledBy, tombstone.Seq));
        Assert.Empty(await Changes.GetReactionsAsync(id, [first.Seq], Ct));
        Assert.Equal([(first.Id, 2L), (second.Id, 3L)], (await Changes.GetChangesAsync(id, 0, 10, Ct)).Select(m => (m.Id, m.ChangeSeq)));
        Assert.Equal([(second.Id, "two, edited", (long?)3_005)], (await Changes.GetChangesAsync(id, 2, 10, Ct)).Select(m => (m.Id, m.Text, m.EditedAt)));
        // seq is untouched: two messages, and the tombstone still holds seq 1.
        Assert.Equal([1L, 2L], (await Chat.GetMessagesAsync(id, null, null, 10, fromHighEnd: false, Ct)).Select(m => m.Seq));
    }

    [Fact]
    public async Task HideAsync_Twice_HidesOnceForThatUserOnly()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([a, b]);
        var sent = await Chat.AppendAsync([Send(id, a), Send(id, a), Send(id, a)], createdAt: 2_000, Ct);

        var first = await Changes.HideAsync(id, b, 2, Ct);
        var again = await Changes.HideAsync(id, b, 2, Ct);

        Assert.Equal((true, false), (first, again));
        Assert.Equal([2L], await Changes.GetHiddenAsync(id, b, [.. sent.Select(s => s.Message!.Seq)], Ct));
        Assert.Empty(await Changes.GetHiddenAsync(id, b, [1, 3], Ct));
        Assert.Empty(await Changes.GetHiddenAsync(id, a, [1, 2, 3], Ct));
    }
}
