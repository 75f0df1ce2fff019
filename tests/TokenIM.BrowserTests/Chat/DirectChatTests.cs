using System.Text.RegularExpressions;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Chat;

/// <summary>Two people in two browsers: a direct chat started by username search, messages delivered live.</summary>
public sealed partial class DirectChatTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task DirectChat_TwoBrowsers_ExchangeMessagesLiveInSeqOrder()
    {
        var alice = new ChatApp(await NewUserPageAsync("alice"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        var aliceName = Server.NextUsername("alice");
        var bobName = Server.NextUsername("bob");
        await alice.SignUpAsync(aliceName);
        await bob.SignUpAsync(bobName);

        await alice.StartDirectChatAsync(bobName);
        await alice.SendAsync("hello from A");

        // Bob, on his list, sees the new chat arrive live with one unread message, then opens it.
        await Expect(alice.Composer).ToHaveValueAsync("");
        var chatWithAlice = bob.Conversation(aliceName);
        await Expect(ChatApp.UnreadBadge(chatWithAlice)).ToHaveTextAsync("1");
        // Its name is short and in a fixed order: title, presence, unread count, preview (no time, no run-on).
        await Expect(chatWithAlice).ToHaveAccessibleNameAsync(ItemName(aliceName));
        await chatWithAlice.ClickAsync();
        await Expect(bob.Message("hello from A")).ToBeVisibleAsync();

        await bob.SendAsync("hello from B");

        await Expect(alice.Message("hello from B")).ToBeVisibleAsync();
        // Both bubbles carry their server seq once acked; they are shown in seq order on both sides.
        foreach (var app in new[] { alice, bob })
        {
            await Expect(app.Messages).ToHaveCountAsync(2);
            await Expect(app.Message("hello from A")).ToHaveAttributeAsync("data-seq", Seq());
            await Expect(app.Message("hello from B")).ToHaveAttributeAsync("data-seq", Seq());
            await Expect(app.Messages.Nth(0)).ToContainTextAsync("hello from A");
            await Expect(app.Messages.Nth(1)).ToContainTextAsync("hello from B");
            var seqs = await app.ShownSeqsAsync();
            Assert.True(seqs[0] < seqs[1], $"seqs out of order: {string.Join(", ", seqs)}");
        }

        // A screen reader hears who sent each message (the layout shows it by side only) ...
        await Expect(alice.Message("hello from A")).ToContainTextAsync("You: hello from A");
        await Expect(alice.Message("hello from B")).ToContainTextAsync($"{bobName}: hello from B");
        await Expect(bob.Message("hello from A")).ToContainTextAsync($"{aliceName}: hello from A");
        // ... and the read mark as the word "Read", the ✓✓ glyph hidden from it.
        var read = alice.Message("hello from A");
        await Expect(read).ToHaveAttributeAsync("data-status", "read");
        await Expect(read.GetByText("Read", new() { Exact = true })).ToHaveCountAsync(1);
        await Expect(read.Locator("[aria-hidden='true']")).ToHaveTextAsync("✓✓");
    }

    private static Regex ItemName(string title) => new($"^{Regex.Escape(title)}, (Online|Offline), 1 unread message, hello from A$");

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Seq();
}
