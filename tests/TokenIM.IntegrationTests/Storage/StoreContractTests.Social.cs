using Microsoft.Extensions.DependencyInjection;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of replies, forwards, mention counts, own settings and blocks (the social stores).</summary>
public abstract partial class StoreContractTests
{
    private ISocialStore Social => fixture.ServerServices.GetRequiredService<ISocialStore>();

    private IBlockStore Blocks => fixture.ServerServices.GetRequiredService<IBlockStore>();

    [Fact]
    public async Task MentionCounts_UnreadMentionsOfTheMemberOrEveryone_InTheListAndOneConversation()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        // Several groups, so that on PostgreSQL they spread over both shards and the list asks each once.
        var groups = new List<string>();
        for (var i = 0; i < 4; i++)
            groups.Add(await NewGroupAsync([other, me], updatedAt: 1_000 + i));
        var sends = new List<AppendRequest>();
        foreach (var id in groups)
        {
            sends.Add(Send(id, other) with { Extras = new MessageExtras(Mentions: me) });
            sends.Add(Send(id, other) with { Extras = new MessageExtras(Mentions: MessageEntity.MentionAll) });
            sends.Add(Send(id, other) with { Extras = new MessageExtras(Mentions: other) });
            sends.Add(Send(id, other));
        }

        foreach (var batch in sends.GroupBy(s => Chat.ShardOf(s.ConversationId)))
            await Chat.AppendAsync([.. batch], createdAt: 5_000, Ct);
        Assert.True(await Chat.AdvanceReadSeqAsync(groups[0], me, 1, Ct));

        var list = (await Chat.ListConversationsAsync(me, Ct)).ToDictionary(v => v.Conversation.Id, v => v.MentionCount);
        Assert.Equal([1L, 2, 2, 2], groups.Select(id => list[id]));
        Assert.Equal(2, (await Chat.GetConversationAsync(groups[1], me, Ct))?.MentionCount);
        // The sender's own mention of themselves is under their read marker (sending moves it): not counted.
        Assert.Equal(0, (await Chat.GetConversationAsync(groups[1], other, Ct))?.MentionCount);
    }

    [Fact]
    public async Task FindMessageByIdAndGetQuoted_OnlyThatConversationsMessages_AsTheyAreNow()
    {
        var owner = await NewUserAsync();
        var (first, second) = (await NewGroupAsync([owner]), await NewGroupAsync([owner]));
        var sent = await Chat.AppendAsync([Send(first, owner, text: "quoted"), Send(first, owner, text: "plain")], createdAt: 2_000, Ct);
        var quoted = sent[0].Message!;

        Assert.Equal("quoted", (await Social.FindMessageByIdAsync(first, quoted.Id, Ct))?.Text);
        Assert.Null(await Social.FindMessageByIdAsync(second, quoted.Id, Ct));
        var previews = await Social.GetQuotedAsync(first, [1L, 2L, 99L], Ct);
        Assert.Equal([(1L, "quoted", false, (string?)null), (2L, "plain", false, null)], previews.OrderBy(q => q.Seq).Select(q => (q.Seq, q.Text, q.Recalled, q.AttachmentName)));
    }

    [Fact]
    public async Task UpdateSettingsAsync_OwnRowOnly_RepeatedPinKeepsItsTime_NotAMemberIsFalse()
    {
        var (me, other, outsider) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([me, other]);

        Assert.True(await Social.UpdateSettingsAsync(id, me, new ConversationSettingsRequest(Muted: true, Pinned: true), now: 10, Ct));
        Assert.True(await Social.UpdateSettingsAsync(id, me, new ConversationSettingsRequest(Pinned: true, Archived: true), now: 20, Ct));
        Assert.False(await Social.UpdateSettingsAsync(id, outsider, new ConversationSettingsRequest(Muted: true), now: 30, Ct));

        var mine = (await Chat.GetConversationAsync(id, me, Ct))!.Self;
        Assert.Equal((true, 10L, 20L), (mine.Muted, mine.PinnedAt, mine.ArchivedAt));
        var theirs = (await Chat.GetConversationAsync(id, other, Ct))!.Self;
        Assert.Equal((false, (long?)null, (long?)null), (theirs.Muted, theirs.PinnedAt, theirs.ArchivedAt));
    }

    [Fact]
    public async Task Blocks_AddTwiceRemoveList_MostRecentFirst()
    {
        var (me, a, b) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());

        Assert.True(await Blocks.AddBlockAsync(me, a, now: 100, Ct));
        Assert.False(await Blocks.AddBlockAsync(me, a, now: 150, Ct));
        Assert.True(await Blocks.AddBlockAsync(me, b, now: 200, Ct));

        Assert.Equal([b, a], (await Blocks.ListBlockedUsersAsync(me, Ct)).Select(u => u.Id));
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), (await Blocks.BlockedIdsAsync(me, Ct)).Order(StringComparer.Ordinal));
        Assert.Empty(await Blocks.BlockedIdsAsync(a, Ct));
        Assert.True(await Blocks.RemoveBlockAsync(me, a, Ct));
        Assert.False(await Blocks.RemoveBlockAsync(me, a, Ct));
        Assert.Equal([b], await Blocks.BlockedIdsAsync(me, Ct));
    }
}
