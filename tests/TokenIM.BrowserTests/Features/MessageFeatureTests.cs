using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Features;

/// <summary>
/// Issue 9's features, each done by one user in one browser and seen live by another in a second: replies,
/// reactions, edits, recalls, mentions, files, search, settings, blocking, and an offline device catching up.
/// </summary>
public sealed class MessageFeatureTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    // A 40×30 red PNG: a real image, so the server measures it and makes a thumbnail.
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAAK0lEQVR42u3NMQ0AAAgDsCmZfynIQgYcTfo3056IWCwWi8VisVgsFov/xgvk2cL9u/0SgAAAAABJRU5ErkJggg==");

    [Fact]
    public async Task ReplyReactEditRecall_InOneBrowser_ShowLiveInTheOther()
    {
        var (alice, bob, aliceName, _) = await DirectChatAsync();
        await alice.SendAsync("first words");
        await bob.OpenAsync(aliceName);
        await Expect(bob.Message("first words")).ToBeVisibleAsync();

        await bob.ReplyAsync("first words", "an answer");
        var quote = alice.Message("an answer").GetByTestId("reply-quote");
        await Expect(quote).ToContainTextAsync("first words");

        await alice.ReactAsync("an answer", "👍");
        await Expect(bob.Reaction("an answer", "👍")).ToContainTextAsync("1");
        await Expect(alice.Reaction("an answer", "👍")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(bob.Reaction("an answer", "👍")).ToHaveAttributeAsync("aria-pressed", "false");

        await bob.EditAsync("an answer", "a better answer");
        await Expect(alice.Message("a better answer").GetByTestId("edited")).ToBeVisibleAsync();
        await Expect(alice.Message("an answer")).ToHaveCountAsync(0);

        await alice.RecallAsync("first words");
        await Expect(bob.Tombstone()).ToContainTextAsync("recalled a message");
        await Expect(bob.Message("first words")).ToHaveCountAsync(0);
        // The reply's quote follows the quoted message: it now says it was recalled.
        await Expect(bob.Message("a better answer").GetByTestId("reply-quote")).ToContainTextAsync("Message recalled");
        // The seq of the recalled message is still taken: nothing moved.
        await Expect(alice.Tombstone()).ToHaveAttributeAsync("data-seq", "1");
    }

    [Fact]
    public async Task MentionAndFiles_InAGroup_MarkTheMentionedAndShowTheImageInline()
    {
        var alice = new ChatApp(await NewUserPageAsync("alice"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        var aliceName = Server.NextUsername("alice");
        var bobName = Server.NextUsername("bob");
        await alice.SignUpAsync(aliceName);
        await bob.SignUpAsync(bobName);
        await alice.CreateGroupAsync("Files", bobName);

        // "@" plus the start of the name offers Bob; Tab takes him.
        await alice.Composer.FillAsync("look @" + bobName[..3]);
        await Expect(alice.Page.GetByTestId("mention-suggestions")).ToContainTextAsync(bobName);
        await alice.Composer.PressAsync("Tab");
        await Expect(alice.Composer).ToHaveValueAsync($"look @{bobName} ");
        await alice.Composer.PressAsync("Enter");

        var group = bob.Conversation("Files");
        await Expect(group.GetByTestId("mention-badge")).ToBeVisibleAsync();
        await group.ClickAsync();
        await Expect(bob.Message("look").GetByTestId("mention")).ToHaveTextAsync($"@{bobName}");
        await Expect(group.GetByTestId("mention-badge")).ToHaveCountAsync(0);

        await alice.AttachAsync("red.png", "image/png", s_png);
        var image = bob.Page.GetByTestId("attachment-image").Locator("img");
        await Expect(image).ToBeVisibleAsync();
        await Expect(image).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await image.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the thumbnail did not load");

        await alice.AttachAsync("notes.txt", "text/plain", "meeting at noon"u8.ToArray());
        await Expect(bob.Page.GetByTestId("attachment-file")).ToContainTextAsync("notes.txt");
    }

    [Fact]
    public async Task SearchSettingsAndBlock_ChineseWordFound_PinnedFirst_BlockedSendRefused()
    {
        var (alice, bob, aliceName, bobName) = await DirectChatAsync();
        await alice.SendAsync("我们明天在北京见面吧");
        await bob.OpenAsync(aliceName);
        await Expect(bob.Message("北京")).ToBeVisibleAsync();

        var results = await bob.SearchMessagesAsync("北京");
        await Expect(results.GetByTestId("search-result")).ToHaveCountAsync(1);
        await Expect(results).ToContainTextAsync("我们明天在北京见面吧");
        Assert.Equal(0, await (await bob.SearchMessagesAsync("上海")).GetByTestId("search-result").CountAsync());

        await bob.ConversationMenuAsync("Mute");
        await Expect(bob.Conversation(aliceName).GetByTestId("muted")).ToBeVisibleAsync();
        await bob.ConversationMenuAsync("Pin");
        await Expect(bob.Conversation(aliceName).GetByTestId("pinned")).ToBeVisibleAsync();
        // Settings are the user's own: Alice's list shows none of them.
        await Expect(alice.Conversation(bobName).GetByTestId("pinned")).ToHaveCountAsync(0);

        await bob.ConversationMenuAsync("Block");
        await alice.Composer.FillAsync("are you there?");
        await alice.Composer.PressAsync("Enter");
        await Expect(alice.Message("are you there?")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(bob.Message("are you there?")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task OfflineDevice_CatchesUpOnEditsRecallsAndReactions_WhenBackOnline()
    {
        var (alice, bob, aliceName, _) = await DirectChatAsync();
        await alice.SendAsync("will be edited");
        await alice.SendAsync("will be recalled");
        await bob.OpenAsync(aliceName);
        await Expect(bob.Message("will be recalled")).ToBeVisibleAsync();

        await bob.Page.Context.SetOfflineAsync(true);
        await Expect(bob.OfflineBanner).ToBeVisibleAsync();
        await alice.EditAsync("will be edited", "was edited");
        await alice.RecallAsync("will be recalled");
        await alice.ReactAsync("was edited", "🎉");
        await bob.Page.Context.SetOfflineAsync(false);

        await Expect(bob.Message("was edited").GetByTestId("edited")).ToBeVisibleAsync();
        await Expect(bob.Reaction("was edited", "🎉")).ToContainTextAsync("1");
        await Expect(bob.Tombstone()).ToBeVisibleAsync();
        await Expect(bob.Message("will be recalled")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ForwardDeleteForMeArchive_EachSeenAsTheyShouldBe()
    {
        var (alice, bob, aliceName, bobName) = await DirectChatAsync();
        await alice.CreateGroupAsync("Forwarded", bobName);
        await alice.OpenAsync(bobName);
        await alice.SendAsync("pass this on");
        await bob.OpenAsync(aliceName);
        await Expect(bob.Message("pass this on")).ToBeVisibleAsync();

        await bob.ActOnAsync("pass this on", "Forward");
        await bob.Page.GetByTestId("forward-dialog").GetByRole(AriaRole.Button, new() { Name = "Forwarded", Exact = true }).ClickAsync();
        await alice.OpenAsync("Forwarded");
        await Expect(alice.Message("pass this on").GetByTestId("forwarded")).ToHaveTextAsync("Forwarded from You");

        // Deleted for Bob only: it stays with Alice.
        await bob.ActOnAsync("pass this on", "Delete for me");
        await Expect(bob.Message("pass this on")).ToHaveCountAsync(0);
        await alice.OpenAsync(bobName);
        await Expect(alice.ExactMessage("pass this on")).ToBeVisibleAsync();
        await bob.Page.ReloadAsync();
        await bob.OpenAsync(aliceName);
        await Expect(bob.Message("pass this on")).ToHaveCountAsync(0);

        // Archived: out of Bob's list, behind "Archived (1)".
        await bob.OpenAsync("Forwarded");
        await bob.ConversationMenuAsync("Archive");
        await Expect(bob.Conversation("Forwarded")).ToHaveCountAsync(0);
        await bob.Page.GetByTestId("archived-toggle").ClickAsync();
        await Expect(bob.Page.GetByRole(AriaRole.List, new() { Name = "Archived", Exact = true }).GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Drafts_KeptPerConversation_AcrossSwitchingAndReload()
    {
        var (alice, _, _, bobName) = await DirectChatAsync();
        await alice.CreateGroupAsync("Drafts", bobName);
        await alice.Composer.FillAsync("half a thought for the group");
        await alice.OpenAsync(bobName);
        await Expect(alice.Composer).ToHaveValueAsync("");
        await alice.Composer.FillAsync("and one for Bob");

        await alice.OpenAsync("Drafts");
        await Expect(alice.Composer).ToHaveValueAsync("half a thought for the group");
        await alice.Page.ReloadAsync();
        await alice.OpenAsync(bobName);
        await Expect(alice.Composer).ToHaveValueAsync("and one for Bob");
        // Sending takes the draft away.
        await alice.Composer.PressAsync("Enter");
        await alice.OpenAsync("Drafts");
        await alice.OpenAsync(bobName);
        await Expect(alice.Composer).ToHaveValueAsync("");
    }

    private async Task<(ChatApp Alice, ChatApp Bob, string AliceName, string BobName)> DirectChatAsync()
    {
        var alice = new ChatApp(await NewUserPageAsync("alice"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        var aliceName = Server.NextUsername("alice");
        var bobName = Server.NextUsername("bob");
        await alice.SignUpAsync(aliceName);
        await bob.SignUpAsync(bobName);
        await alice.StartDirectChatAsync(bobName);
        return (alice, bob, aliceName, bobName);
    }
}
