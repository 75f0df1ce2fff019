using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of the group-commit append and of history reads.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task AppendAsync_Batches_TakeGapFreeSeqsFromOneInOrder()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([a, b]);

        var first = await Chat.AppendAsync([.. Enumerable.Range(1, 5).Select(i => Send(id, i % 2 == 0 ? a : b, text: $"m{i}"))], createdAt: 2_000, Ct);
        var second = await Chat.AppendAsync([.. Enumerable.Range(6, 3).Select(i => Send(id, a, text: $"m{i}"))], createdAt: 3_000, Ct);

        Assert.All(first.Concat(second), r => Assert.Equal(AppendStatus.Created, r.Status));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), first.Concat(second).Select(r => r.Message!.Seq));
        var stored = await Chat.GetMessagesAsync(id, null, null, 100, fromHighEnd: false, Ct);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => ((long)i, $"m{i}")), stored.Select(m => (m.Seq, m.Text)));
        Assert.Equal([2_000, 2_000, 2_000, 2_000, 2_000, 3_000, 3_000, 3_000], stored.Select(m => m.CreatedAt));
    }

    [Fact]
    public async Task AppendAsync_RepeatWithinABatch_ReturnsTheOriginal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([a, b]);

        var results = await Chat.AppendAsync(
            [Send(id, a, "k1", "original"), Send(id, b, "k1", "same key, other sender"), Send(id, a, "k1", "repeat")], createdAt: 2_000, Ct);

        Assert.Equal([AppendStatus.Created, AppendStatus.Created, AppendStatus.Duplicate], results.Select(r => r.Status));
        Assert.Equal((results[0].Message!.Id, 1L, "original"), (results[2].Message?.Id, results[2].Message?.Seq, results[2].Message?.Text));
        Assert.Equal(2, (await Chat.FindMembershipAsync(id, a, Ct))?.LastSeq);
        Assert.Equal(2, (await Chat.GetMessagesAsync(id, null, null, 100, fromHighEnd: false, Ct)).Count);
    }

    [Fact]
    public async Task AppendAsync_RepeatInALaterBatch_ReturnsTheOriginal()
    {
        var a = await NewUserAsync();
        var id = await NewGroupAsync([a]);
        var original = (await Chat.AppendAsync([Send(id, a, "k1", "original")], createdAt: 2_000, Ct))[0].Message!;

        var results = await Chat.AppendAsync([Send(id, a, "k1", "repeat"), Send(id, a, "k2", "new")], createdAt: 3_000, Ct);

        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Created], results.Select(r => r.Status));
        Assert.Equal((original.Id, 1L, "original", 2_000L), (results[0].Message?.Id, results[0].Message?.Seq, results[0].Message?.Text, results[0].Message?.CreatedAt));
        Assert.Equal(2, results[1].Message?.Seq);
    }

    [Fact]
    public async Task AppendAsync_SenderNotAMember_IsRefusedAndTakesNoSeq()
    {
        var (member, outsider) = (await NewUserAsync(), await NewUserAsync());
        // A conversation that does not exist, on the same shard (a batch holds one shard's sends).
        var (id, missing) = IdsOnOneShard(2) switch { var ids => (ids[0], ids[1]) };
        await NewGroupAsync([member], id: id);

        var results = await Chat.AppendAsync([Send(id, outsider), Send(id, member), Send(missing, member)], createdAt: 2_000, Ct);

        Assert.Equal([(AppendStatus.NotMember, null), (AppendStatus.Created, 1L), (AppendStatus.NotMember, null)], results.Select(r => (r.Status, r.Message?.Seq)));
        Assert.Single(await Chat.GetMessagesAsync(id, null, null, 100, fromHighEnd: false, Ct));
    }

    [Fact]
    public async Task AppendAsync_Created_MovesTheSendersReadMarkerAndTheConversation()
    {
        var (sender, reader) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([sender, reader], updatedAt: 1_000);

        var sent = await Chat.AppendAsync([Send(id, sender), Send(id, sender)], createdAt: 5_000, Ct);
        // A batch stamped earlier than the last activity does not move the activity time back.
        await Chat.AppendAsync([Send(id, reader)], createdAt: 4_000, Ct);

        var view = await Chat.GetConversationAsync(id, sender, Ct);
        Assert.Equal((3L, 5_000L), (view?.Conversation.LastSeq, view?.Conversation.UpdatedAt));
        Assert.Equal((3L, 4_000L), (view?.LastMessage?.Seq, view?.LastMessage?.CreatedAt));
        Assert.Equal(2, view?.Self.ReadSeq);
        Assert.Equal(3, (await Chat.FindMembershipAsync(id, reader, Ct))?.Member.ReadSeq);
        Assert.Equal(2, sent[1].Message?.Seq);
    }

    [Fact]
    public async Task AppendAsync_SeveralConversationsOfOneShard_NumbersEachFromOne()
    {
        var a = await NewUserAsync();
        var ids = IdsOnOneShard(3);
        foreach (var id in ids)
            await NewGroupAsync([a], id: id);

        var results = await Chat.AppendAsync([.. Enumerable.Range(0, 9).Select(i => Send(ids[i % 3], a))], createdAt: 2_000, Ct);

        Assert.All(ids, id => Assert.Equal([1L, 2L, 3L], results.Where(r => r.Message!.ConversationId == id).Select(r => r.Message!.Seq)));
    }

    [Fact]
    public async Task AppendAsync_SendsOfTwoShards_IsRefusedBeforeWriting()
    {
        Assert.SkipWhen(Chat.ShardCount == 1, "One shard: every batch is of one shard.");
        var a = await NewUserAsync();
        var ids = IdsOnEveryShard(perShard: 1);
        foreach (var id in ids)
            await NewGroupAsync([a], id: id);

        await Assert.ThrowsAsync<ArgumentException>(() => Chat.AppendAsync([Send(ids[0], a), Send(ids[1], a)], createdAt: 2_000, Ct));

        foreach (var id in ids)
            Assert.Empty(await Chat.GetMessagesAsync(id, null, null, 10, fromHighEnd: false, Ct));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentBatchesToOneConversation_KeepSeqsGapFree()
    {
        var senders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => NewUserAsync()));
        var id = await NewGroupAsync(senders);

        var results = await Task.WhenAll(senders.Select(async sender =>
        {
            var mine = new List<AppendResult>();
            for (var batch = 0; batch < 5; batch++)
                mine.AddRange(await Chat.AppendAsync([Send(id, sender), Send(id, sender)], createdAt: 2_000, Ct));
            return mine;
        }));

        var seqs = results.SelectMany(r => r).Select(r => r.Message!.Seq).Order();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), seqs);
        Assert.Equal(40, (await Chat.FindMembershipAsync(id, senders[0], Ct))?.LastSeq);
    }

    [Fact]
    public async Task GetMessagesAsync_Ranges_PageFromEitherEnd()
    {
        var a = await NewUserAsync();
        var id = await NewGroupAsync([a]);
        await Chat.AppendAsync([.. Enumerable.Range(1, 10).Select(_ => Send(id, a))], createdAt: 2_000, Ct);

        async Task<long[]> Seqs(long? after, long? before, int take, bool fromHighEnd) =>
            [.. (await Chat.GetMessagesAsync(id, after, before, take, fromHighEnd, Ct)).Select(m => m.Seq)];

        Assert.Equal(new long[] { 10, 9, 8 }, await Seqs(null, null, 3, fromHighEnd: true));
        Assert.Equal(new long[] { 7, 6, 5 }, await Seqs(null, 8, 3, fromHighEnd: true));
        Assert.Equal(new long[] { 1, 2, 3 }, await Seqs(null, null, 3, fromHighEnd: false));
        Assert.Equal(new long[] { 4, 5, 6 }, await Seqs(3, null, 3, fromHighEnd: false));
        Assert.Equal(new long[] { 4, 5 }, await Seqs(3, 6, 10, fromHighEnd: false));
        Assert.Equal(new long[] { 5, 4 }, await Seqs(3, 6, 10, fromHighEnd: true));
        Assert.Equal(new long[] { 9, 10 }, await Seqs(8, null, 10, fromHighEnd: false));
        Assert.Empty(await Seqs(10, null, 10, fromHighEnd: false));
        Assert.Empty(await Chat.GetMessagesAsync(ChatRules.NewId(), null, null, 10, fromHighEnd: true, Ct));
    }
}
