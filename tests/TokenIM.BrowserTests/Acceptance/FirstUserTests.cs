using System.Text.RegularExpressions;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>
/// Issue 4's acceptance check: two first-time users in two Chromium contexts sign up and chat, found only by role and
/// accessible name; the history survives a reload, and an offline spell ends in a silent, gap-free resync.
/// </summary>
public sealed partial class FirstUserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string AliceTitle = "Alice Liddell";
    private const string BobTitle = "Bob Builder";

    [Fact]
    public async Task DirectChat_TwoNewUsers_ChatLiveWithUnreadAndReadStateAndKeepHistoryOnReload()
    {
        var (alice, bob) = await TwoUsersInDirectChatAsync();

        await alice.SendAsync("hi Bob, it's Alice");

        // Bob, still on his list, sees the chat arrive live with one unread message.
        var chatWithAlice = bob.Conversation(AliceTitle);
        await Expect(ChatApp.UnreadBadge(chatWithAlice)).ToHaveTextAsync("1");
        await Expect(alice.Message("hi Bob")).ToHaveAttributeAsync("data-status", "sent");

        await bob.OpenAsync(AliceTitle);

        await Expect(bob.Message("hi Bob")).ToBeVisibleAsync();
        await Expect(ChatApp.UnreadBadge(chatWithAlice)).ToHaveCountAsync(0);
        // Bob's read marker reaches Alice: her message moves from sent to read.
        await Expect(alice.Message("hi Bob")).ToHaveAttributeAsync("data-status", "read");

        await bob.SendAsync("hello Alice");
        await Expect(alice.Message("hello Alice")).ToBeVisibleAsync();
        await alice.SendAsync("how are you?");
        await Expect(bob.Message("how are you?")).ToBeVisibleAsync();

        string[] expected = ["hi Bob, it's Alice", "hello Alice", "how are you?"];
        var before = await BothShowTheSameAsync(alice, bob, expected);

        await alice.Page.ReloadAsync();
        await bob.Page.ReloadAsync();
        await alice.OpenAsync(BobTitle);
        await bob.OpenAsync(AliceTitle);

        var after = await BothShowTheSameAsync(alice, bob, expected);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task OfflineSpell_PeerSendsMeanwhile_ResyncsInOrderWithoutDuplicatesAndSendsQueuedMessage()
    {
        var (alice, bob) = await TwoUsersInDirectChatAsync();
        await alice.SendAsync("before the spell");
        await bob.OpenAsync(AliceTitle);
        await Expect(bob.Message("before the spell")).ToBeVisibleAsync();

        await bob.Page.Context.SetOfflineAsync(true);

        await Expect(bob.OfflineBanner).ToBeVisibleAsync();
        var away = Enumerable.Range(1, 5).Select(i => $"while you were away {i}").ToArray();
        foreach (var text in away)
        {
            await alice.SendAsync(text);
            await Expect(alice.Message(text)).ToHaveAttributeAsync("data-seq", Digits());
        }
        // Typed while offline: kept as a pending send, not lost and not failed.
        await bob.SendAsync("typed offline");
        await Expect(bob.Message("typed offline")).ToHaveAttributeAsync("data-status", "pending");
        await Expect(bob.Message("while you were away")).ToHaveCountAsync(0);

        await bob.Page.Context.SetOfflineAsync(false);

        await Expect(bob.OfflineBanner).ToHaveCountAsync(0);
        string[] expected = ["before the spell", .. away, "typed offline"];
        await BothShowTheSameAsync(alice, bob, expected);
    }

    /// <summary>Alice and Bob sign up through the form; Alice opens a direct chat with Bob by "Search users".</summary>
    private async Task<(ChatApp Alice, ChatApp Bob)> TwoUsersInDirectChatAsync()
    {
        var alice = new ChatApp(await NewUserPageAsync("alice"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        var bobName = Server.NextUsername("bob");
        await alice.SignUpAsync(Server.NextUsername("alice"), AliceTitle);
        await bob.SignUpAsync(bobName, BobTitle);

        await alice.StartDirectChatAsync(bobName);

        await Expect(alice.ChatRegion(BobTitle)).ToBeVisibleAsync();
        return (alice, bob);
    }

    /// <summary>
    /// Waits until both show exactly <paramref name="texts"/>, each acknowledged (a seq), then checks both show the
    /// same seqs in ascending order; returns what they show.
    /// </summary>
    private static async Task<IReadOnlyList<ShownMessage>> BothShowTheSameAsync(ChatApp alice, ChatApp bob, string[] texts)
    {
        foreach (var app in new[] { alice, bob })
        {
            await Expect(app.Messages).ToHaveCountAsync(texts.Length);
            for (var i = 0; i < texts.Length; i++)
            {
                await Expect(app.Messages.Nth(i)).ToContainTextAsync(texts[i]);
                await Expect(app.Messages.Nth(i)).ToHaveAttributeAsync("data-seq", Digits());
            }
        }
        var shown = await alice.ShownMessagesAsync();
        Assert.Equal(texts, shown.Select(m => m.Text));
        Assert.Equal(shown, await bob.ShownMessagesAsync());
        Assert.True(shown.Zip(shown.Skip(1)).All(p => p.First.Seq < p.Second.Seq), $"seqs not ascending: {string.Join(", ", shown.Select(m => m.Seq))}");
        return shown;
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Digits();
}
