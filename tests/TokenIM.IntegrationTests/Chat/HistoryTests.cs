using System.Net;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>History paging over one conversation holding seqs 1..10 (and one of 55 for the default limit).</summary>
public sealed class HistoryTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Theory]
    [InlineData("?limit=3", new long[] { 8, 9, 10 }, true)] // newest, more below
    [InlineData("?limit=10", new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, false)]
    [InlineData("?afterSeq=5&limit=3", new long[] { 6, 7, 8 }, true)] // first above, more above
    [InlineData("?afterSeq=7&limit=3", new long[] { 8, 9, 10 }, false)]
    [InlineData("?afterSeq=0&limit=2", new long[] { 1, 2 }, true)]
    [InlineData("?afterSeq=10", new long[0], false)]
    [InlineData("?beforeSeq=5&limit=3", new long[] { 2, 3, 4 }, true)] // last below, more below
    [InlineData("?beforeSeq=4&limit=3", new long[] { 1, 2, 3 }, false)]
    [InlineData("?beforeSeq=1", new long[0], false)]
    [InlineData("?beforeSeq=1000&limit=2", new long[] { 9, 10 }, true)]
    [InlineData("?afterSeq=2&beforeSeq=9&limit=3", new long[] { 3, 4, 5 }, true)] // the range from its low end, more of it above
    [InlineData("?afterSeq=5&beforeSeq=9&limit=3", new long[] { 6, 7, 8 }, false)]
    [InlineData("?afterSeq=5&beforeSeq=6", new long[0], false)]
    [InlineData("?afterSeq=8&beforeSeq=3", new long[0], false)]
    [InlineData("?limit=1", new long[] { 10 }, true)]
    [InlineData("?limit=100", new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, false)]
    public async Task GetMessages_Bounds_ReturnTheRightPageAscending(string query, long[] expectedSeqs, bool expectedHasMore)
    {
        var (user, conversationId) = await TenMessagesAsync();

        var page = await user.PageAsync(conversationId, query);

        Assert.Equal(expectedSeqs, page.Messages.Select(m => m.Seq));
        Assert.Equal(expectedHasMore, page.HasMore);
        Assert.All(page.Messages, m => Assert.Equal($"message {m.Seq}", m.Text));
    }

    [Fact]
    public async Task GetMessages_NoLimit_ReturnsTheNewest50()
    {
        var user = await factory.RegisterAsync();
        var group = await user.CreateGroupAsync("long");
        await user.SendManyAsync(group.Id, 55);

        var page = await user.PageAsync(group.Id);

        Assert.Equal(Enumerable.Range(6, 50).Select(i => (long)i), page.Messages.Select(m => m.Seq));
        Assert.True(page.HasMore);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?afterSeq=-1", "afterSeq")]
    [InlineData("?beforeSeq=-5", "beforeSeq")]
    public async Task GetMessages_OutOfRangeParameter_IsValidationFailed(string query, string field)
    {
        var (user, conversationId) = await TenMessagesAsync();

        var problem = await (await user.GetAsync($"{ChatTestHelpers.Conversations}/{conversationId}/messages{query}")).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.True(problem.Errors!.ContainsKey(field), $"errors name {field}");
    }

    [Fact]
    public async Task GetMessages_EmptyConversation_IsAnEmptyPage()
    {
        var user = await factory.RegisterAsync();
        var group = await user.CreateGroupAsync("empty");

        var page = await user.PageAsync(group.Id);

        Assert.Empty(page.Messages);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Read_Markers_MoveForwardOnlyAndDriveUnreadCount()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);
        await alice.SendManyAsync(group.Id, 5);

        var alicesView = await alice.GetConversationAsync(group.Id);
        Assert.Equal((5L, 5L, 0L), (alicesView.LastSeq, alicesView.ReadSeq, alicesView.UnreadCount)); // sending reads up to one's own message
        Assert.Equal(5, Unread(await bob.GetOkAsync<ConversationList>(ChatTestHelpers.Conversations), group.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await bob.MarkReadAsync(group.Id, 3)).StatusCode);
        Assert.Equal(2, Unread(await bob.GetOkAsync<ConversationList>(ChatTestHelpers.Conversations), group.Id));
        Assert.Equal(HttpStatusCode.NoContent, (await bob.MarkReadAsync(group.Id, 1)).StatusCode);
        var bobsView = await bob.GetConversationAsync(group.Id);
        Assert.Equal((3L, 2L), (bobsView.ReadSeq, bobsView.UnreadCount));
        Assert.Equal(3, Assert.Single(await alice.GetMembersAsync(group.Id), m => m.UserId == bob.Id).ReadSeq);

        Assert.Equal(HttpStatusCode.NoContent, (await bob.MarkReadAsync(group.Id, 5)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bob.MarkReadAsync(group.Id, 0)).StatusCode);
        Assert.Equal(0, (await bob.GetConversationAsync(group.Id)).UnreadCount);
    }

    [Fact]
    public async Task Read_BeyondLastSeqNegativeOrMissing_IsValidationFailedOnSeq()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);
        await alice.SendManyAsync(group.Id, 2);

        var beyond = await (await bob.MarkReadAsync(group.Id, 3)).ReadProblemAsync(ErrorCode.ValidationFailed);
        var negative = await (await bob.MarkReadAsync(group.Id, -1)).ReadProblemAsync(ErrorCode.ValidationFailed);
        var missing = await (await bob.PostRawAsync($"{ChatTestHelpers.Conversations}/{group.Id}/read", "{}")).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.All([beyond, negative, missing], p => Assert.True(p.Errors!.ContainsKey("seq")));
        Assert.Equal(0, (await bob.GetConversationAsync(group.Id)).ReadSeq);
    }

    [Fact]
    public async Task Read_ConcurrentMarkers_EndAtTheHighest()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);
        await alice.SendManyAsync(group.Id, 20);

        var responses = await Task.WhenAll(Enumerable.Range(1, 20).Reverse().Select(seq => bob.MarkReadAsync(group.Id, seq)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(20, (await bob.GetConversationAsync(group.Id)).ReadSeq);
    }

    private static long Unread(ConversationList list, string conversationId) =>
        Assert.Single(list.Conversations, c => c.Id == conversationId).UnreadCount;

    private async Task<(TestUser User, string ConversationId)> TenMessagesAsync()
    {
        var user = await factory.RegisterAsync();
        var group = await user.CreateGroupAsync("history");
        await user.SendManyAsync(group.Id, 10);
        return (user, group.Id);
    }
}
