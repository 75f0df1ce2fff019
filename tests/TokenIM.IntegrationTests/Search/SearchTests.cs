using Microsoft.EntityFrameworkCore;
using TokenIM.Client;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Search;

/// <summary>
/// <c>GET /search/messages</c> through the SDK, on every store: substring matching for Chinese, Japanese, Korean and
/// English (through the trigram index from 3 characters, by scanning the caller's conversations below), only the
/// caller's conversations, paging, and the messages never found (recalled, hidden by the caller).
/// </summary>
public abstract class SearchTests(SearchFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("我们明天在北京见面吧", "北京见")] // Chinese, in the middle of a sentence, through the index
    [InlineData("我们明天在北京见面吧", "北京")] // a 2-character Chinese word: no trigram, the scan
    [InlineData("明日は東京駅で会いましょう", "東京駅")]
    [InlineData("明日は東京駅で会いましょう", "東京")]
    [InlineData("내일 서울역에서 만나요", "서울역")]
    [InlineData("내일 서울역에서 만나요", "서울")]
    [InlineData("Meet me at the Airport tomorrow", "airport")] // English without regard to case
    [InlineData("Meet me at the Airport tomorrow", "AIRPORT TOM")]
    [InlineData("Meet me at the Airport tomorrow", "aT")]
    public async Task SearchMessages_WordInsideText_FindsOnlyThatMessage(string text, string query)
    {
        var alice = await NewUserAsync();
        var group = await alice.CreateGroupAsync("search", cancellationToken: Ct);
        var match = await alice.SendMessageAsync(group.Id, text, cancellationToken: Ct);
        await alice.SendMessageAsync(group.Id, "一个完全不同的句子 다른 문장 something else entirely", cancellationToken: Ct);

        var page = await SearchAsync(alice, query, cancellationToken: Ct);

        Assert.Equal([match.Id], page.Messages.Select(m => m.Id));
        Assert.Equal(text, page.Messages[0].Text);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData("100%", "1000 apples", "100% sure")] // LIKE's wildcards are plain characters
    [InlineData("a_b", "axb", "a_b")]
    [InlineData("%", "no percent here", "50%")]
    [InlineData("say \"hi", "say hi", "then say \"hi\" to them")] // an FTS5 quote is not syntax
    [InlineData("c:\\x", "c:x", "path c:\\x here")]
    public async Task SearchMessages_QueryWithWildcardsOrQuotes_MatchesThemLiterally(string query, string decoy, string text)
    {
        var alice = await NewUserAsync();
        var group = await alice.CreateGroupAsync("literal", cancellationToken: Ct);
        await alice.SendMessageAsync(group.Id, decoy, cancellationToken: Ct);
        var match = await alice.SendMessageAsync(group.Id, text, cancellationToken: Ct);

        var page = await SearchAsync(alice, query, cancellationToken: Ct);

        Assert.Equal([match.Id], page.Messages.Select(m => m.Id));
    }

    [Theory]
    [InlineData("北京")]
    [InlineData("北京站")]
    public async Task SearchMessages_OtherPeoplesConversations_AreNeverSearched(string query)
    {
        var (alice, bob, carol) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var shared = await alice.CreateGroupAsync("shared", [bob.Tokens!.User.Id], Ct);
        var bobAndCarol = await bob.CreateGroupAsync("private", [carol.Tokens!.User.Id], Ct);
        var direct = await bob.CreateDirectConversationAsync(carol.Tokens!.User.Id, Ct);
        var mine = await bob.SendMessageAsync(shared.Id, "北京站见", cancellationToken: Ct);
        await bob.SendMessageAsync(bobAndCarol.Id, "北京站见", cancellationToken: Ct);
        await carol.SendMessageAsync(direct.Id, "北京站见", cancellationToken: Ct);

        var page = await SearchAsync(alice, query, cancellationToken: Ct);

        Assert.Equal([mine.Id], page.Messages.Select(m => m.Id));
        Assert.Equal(3, (await SearchAsync(bob, query, cancellationToken: Ct)).Messages.Count);
    }

    [Fact]
    public async Task SearchMessages_ConversationOfOthers_IsConversationNotFound()
    {
        var (alice, bob) = (await NewUserAsync(), await NewUserAsync());
        var bobs = await bob.CreateGroupAsync("bob's", cancellationToken: Ct);
        await bob.SendMessageAsync(bobs.Id, "secret plans", cancellationToken: Ct);

        // Checked before the query itself: an invalid q does not reveal whether the conversation exists.
        foreach (var query in new[] { "secret", "" })
        {
            var error = await Assert.ThrowsAsync<TokenImApiException>(() => SearchAsync(alice, query, bobs.Id, cancellationToken: Ct));
            Assert.Equal((404, ErrorCode.ConversationNotFound.Code), (error.Status, error.Code));
        }
    }

    [Fact]
    public async Task SearchMessages_ConversationId_SearchesOnlyThatConversation()
    {
        var alice = await NewUserAsync();
        var (one, two) = (await alice.CreateGroupAsync("one", cancellationToken: Ct), await alice.CreateGroupAsync("two", cancellationToken: Ct));
        var inOne = await alice.SendMessageAsync(one.Id, "lunch at noon", cancellationToken: Ct);
        await alice.SendMessageAsync(two.Id, "lunch at one", cancellationToken: Ct);

        var page = await SearchAsync(alice, "lunch", one.Id, cancellationToken: Ct);

        Assert.Equal([inOne.Id], page.Messages.Select(m => m.Id));
    }

    [Theory]
    [InlineData("report")] // through the index
    [InlineData("re")] // by the scan
    public async Task SearchMessages_PagedByCursor_ReturnsEachMatchOnceNewestFirst(string query)
    {
        var (alice, bob) = (await NewUserAsync(), await NewUserAsync());
        var groups = new[]
        {
            await alice.CreateGroupAsync("a", [bob.Tokens!.User.Id], Ct),
            await alice.CreateGroupAsync("b", cancellationToken: Ct),
            await bob.CreateDirectConversationAsync(alice.Tokens!.User.Id, Ct),
        };
        var sent = new List<MessageDto>();
        for (var i = 0; i < 11; i++)
        {
            // Several messages of one conversation share a millisecond: the order must still be total.
            sent.Add(await alice.SendMessageAsync(groups[i % 3].Id, $"weekly report {i}", cancellationToken: Ct));
            await alice.SendMessageAsync(groups[i % 3].Id, "nothing to see", cancellationToken: Ct);
        }

        var found = new List<MessageDto>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await SearchAsync(alice, query, limit: 4, cursor: cursor, cancellationToken: Ct);
            found.AddRange(page.Messages);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(sent.Select(m => m.Id).OrderBy(id => id), found.Select(m => m.Id).OrderBy(id => id));
        Assert.Equal(found.OrderByDescending(m => m.CreatedAt).Select(m => m.CreatedAt), found.Select(m => m.CreatedAt));
    }

    [Theory]
    [InlineData("holiday")]
    [InlineData("假期")]
    public async Task SearchMessages_RecalledOrHiddenForCaller_AreNotFound(string query)
    {
        var (alice, bob) = (await NewUserAsync(), await NewUserAsync());
        var group = await alice.CreateGroupAsync("g", [bob.Tokens!.User.Id], Ct);
        var recalled = await bob.SendMessageAsync(group.Id, $"{query} one", cancellationToken: Ct);
        var hidden = await bob.SendMessageAsync(group.Id, $"{query} two", cancellationToken: Ct);
        var kept = await bob.SendMessageAsync(group.Id, $"{query} three", cancellationToken: Ct);
        // What the recall and "delete for me" routes write; the text is kept here so only RecalledAt hides it.
        await fixture.UpdateMessageAsync(group.Id, recalled.Seq, m =>
        {
            m.RecalledAt = recalled.CreatedAt.ToUnixTimeMilliseconds() + 1;
            m.RecalledBy = bob.Tokens!.User.Id;
        });
        await fixture.OnShardAsync(group.Id, db =>
        {
            db.HiddenMessages.Add(new HiddenMessageEntity { ConversationId = group.Id, UserId = alice.Tokens!.User.Id, Seq = hidden.Seq });
            return Task.CompletedTask;
        });

        var forAlice = await SearchAsync(alice, query, cancellationToken: Ct);
        var forBob = await SearchAsync(bob, query, cancellationToken: Ct);

        Assert.Equal([kept.Id], forAlice.Messages.Select(m => m.Id));
        Assert.Equal([kept.Id, hidden.Id], forBob.Messages.Select(m => m.Id));
    }

    [Theory]
    [InlineData(true)] // indexed before the edit: the update trigger swaps the text in the index
    [InlineData(false)] // edited before the indexer reached it: indexed with the new text
    public async Task SearchMessages_TextEdited_FindsTheNewTextOnly(bool indexedFirst)
    {
        var alice = await NewUserAsync();
        var group = await alice.CreateGroupAsync("g", cancellationToken: Ct);
        var message = await alice.SendMessageAsync(group.Id, "see you in Shanghai", cancellationToken: Ct);
        if (indexedFirst)
            await fixture.CatchUpAsync();

        // What an edit writes: the index follows the text (an UPDATE trigger on SQLite, the index itself on PostgreSQL).
        await fixture.UpdateMessageAsync(group.Id, message.Seq, m => m.Text = "see you in Hangzhou");

        Assert.Empty((await SearchAsync(alice, "Shanghai", cancellationToken: Ct)).Messages);
        Assert.Equal([message.Id], (await SearchAsync(alice, "hangzhou", cancellationToken: Ct)).Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task SearchMessages_NewestRowDeletedThenNewMessage_FindsTheNewOne()
    {
        var alice = await NewUserAsync();
        var group = await alice.CreateGroupAsync("g", cancellationToken: Ct);
        var deleted = await alice.SendMessageAsync(group.Id, "first draft of the plan", cancellationToken: Ct);
        await fixture.CatchUpAsync();

        // The highest rowid goes away (as when a conversation is deleted): SQLite hands it to the next row, which
        // must still be indexed.
        await fixture.OnShardAsync(group.Id, async db =>
            db.Messages.Remove(await db.Messages.SingleAsync(m => m.ConversationId == group.Id && m.Seq == deleted.Seq, Ct)));
        var sent = await alice.SendMessageAsync(group.Id, "second draft of the plan", cancellationToken: Ct);

        Assert.Equal([sent.Id], (await SearchAsync(alice, "draft of", cancellationToken: Ct)).Messages.Select(m => m.Id));
    }

    [Theory]
    [InlineData("", null, null, "q")]
    [InlineData("   ", null, null, "q")]
    [InlineData("x", 0, null, "limit")]
    [InlineData("x", 51, null, "limit")]
    [InlineData("x", null, "not-a-cursor!", "cursor")]
    [InlineData("x", null, "bm9wZQ", "cursor")] // base64url of "nope"
    public async Task SearchMessages_InvalidParameter_IsValidationFailed(string query, int? limit, string? cursor, string field)
    {
        var alice = await NewUserAsync();

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => SearchAsync(alice, query, limit: limit, cursor: cursor, cancellationToken: Ct));

        Assert.Equal((400, ErrorCode.ValidationFailed.Code), (error.Status, error.Code));
        Assert.Equal([field], error.Errors?.Keys);
    }

    [Fact]
    public async Task SearchMessages_QueryOf101Characters_IsValidationFailed()
    {
        var alice = await NewUserAsync();

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => SearchAsync(alice, new string('北', 101), cancellationToken: Ct));

        Assert.Equal(ErrorCode.ValidationFailed.Code, error.Code);
        Assert.Empty((await SearchAsync(alice, new string('北', 100), cancellationToken: Ct)).Messages);
    }

    /// <summary>The SDK's search, after the index has caught up with every message sent so far.</summary>
    private async Task<SearchPage> SearchAsync(TokenImClient client, string query, string? conversationId = null, int? limit = null, string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        await fixture.CatchUpAsync();
        return await client.SearchMessagesAsync(query, conversationId, limit, cursor, cancellationToken);
    }

    private async Task<TokenImClient> NewUserAsync()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        return await fixture.NewUserAsync();
    }
}
