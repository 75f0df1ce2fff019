using System.Text.RegularExpressions;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>A group of three made through "New group": everyone sees every message, in one seq order, with sender names.</summary>
public sealed partial class GroupChatTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task NewGroup_ThreeMembersEachSend_AllSeeAllMessagesInSameSeqOrderWithSenderNames()
    {
        var people = new[] { ("alice", "Alice Liddell"), ("bob", "Bob Builder"), ("carol", "Carol Danvers") };
        var apps = new List<(ChatApp App, string Username, string DisplayName)>();
        foreach (var (prefix, displayName) in people)
        {
            var app = new ChatApp(await NewUserPageAsync(prefix));
            var username = Server.NextUsername(prefix);
            await app.SignUpAsync(username, displayName);
            apps.Add((app, username, displayName));
        }
        var (alice, bob, carol) = (apps[0], apps[1], apps[2]);
        var title = $"Trip {Server.NextUsername("g")}";

        await alice.App.CreateGroupAsync(title, bob.Username, carol.Username);

        await Expect(alice.App.Page.GetByText("3 members")).ToBeVisibleAsync();
        await bob.App.OpenAsync(title);
        await carol.App.OpenAsync(title);
        foreach (var (app, _, displayName) in apps)
        {
            var text = Said(displayName);
            await app.SendAsync(text);
            // Waiting for the ack keeps the send order (and so the seq order) deterministic.
            await Expect(app.Message(text)).ToHaveAttributeAsync("data-seq", Digits());
        }

        string[] expected = [.. apps.Select(a => Said(a.DisplayName))];
        IReadOnlyList<ShownMessage>? first = null;
        foreach (var (app, _, me) in apps)
        {
            await Expect(app.Messages).ToHaveCountAsync(expected.Length);
            for (var i = 0; i < expected.Length; i++)
                await Expect(app.Messages.Nth(i)).ToHaveAttributeAsync("data-seq", Digits());
            var shown = await app.ShownMessagesAsync();
            Assert.Equal(expected, shown.Select(m => m.Text));
            Assert.True(shown.Zip(shown.Skip(1)).All(p => p.First.Seq < p.Second.Seq), $"{me}: seqs not ascending");
            if (first is null)
                first = shown;
            else
                Assert.Equal(first, shown);
            // Everyone else's bubble names its sender (the text itself does not); one's own says "You" to a screen reader.
            foreach (var (_, _, sender) in apps.Where(a => a.DisplayName != me))
                await Expect(app.Message(Said(sender))).ToContainTextAsync(sender);
            await Expect(app.Message(Said(me))).ToContainTextAsync($"You: {Said(me)}");
        }
    }

    /// <summary>A message that does not contain its sender's display name: "hi from alice" for "Alice Liddell".</summary>
    private static string Said(string displayName) => $"hi from {displayName.Split(' ')[0].ToUpperInvariant()}";

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Digits();
}
