using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>
/// The chat at desktop (1280×800) and phone (375×812) widths: both saved as screenshots on every run
/// (<c>artifacts/screenshots/desktop-chat.png</c>, <c>mobile-chat.png</c>); the phone shows one pane at a time.
/// </summary>
public sealed class LayoutTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task ChatView_DesktopAndPhone_SavesScreenshotsAndPhoneShowsOnePaneAtATime()
    {
        var desktop = new ChatApp(await NewUserPageAsync("desktop", 1280, 800));
        var phone = new ChatApp(await NewUserPageAsync("phone", 375, 812));
        var phoneName = Server.NextUsername("mia");
        await desktop.SignUpAsync(Server.NextUsername("dan"), "Dan Desktop");
        await phone.SignUpAsync(phoneName, "Mia Mobile");
        await desktop.StartDirectChatAsync(phoneName);
        await desktop.SendAsync("Hi Mia! Are we still on for lunch tomorrow?");
        await desktop.SendAsync("The place is https://example.com/menu");

        // Phone, list pane: the list, no chat.
        await Expect(phone.Conversation("Dan Desktop")).ToBeVisibleAsync();
        await Expect(phone.Composer).ToHaveCountAsync(0);

        await phone.Conversation("Dan Desktop").ClickAsync();

        // Phone, chat pane: the chat with a way back, the list hidden.
        await Expect(phone.ChatRegion("Dan Desktop")).ToBeVisibleAsync();
        await Expect(phone.Sidebar).ToBeHiddenAsync();
        await Expect(phone.BackButton).ToBeVisibleAsync();
        await phone.SendAsync("Yes, 12:30 works. See you there!");
        await Expect(desktop.Message("lunch tomorrow")).ToHaveAttributeAsync("data-status", "read");
        await Expect(phone.Message("12:30 works")).ToHaveAttributeAsync("data-status", "read");
        await Expect(desktop.Messages).ToHaveCountAsync(3);
        await Expect(phone.Messages).ToHaveCountAsync(3);
        await SaveArtifactScreenshotAsync(desktop.Page, "desktop-chat.png");
        await SaveArtifactScreenshotAsync(phone.Page, "mobile-chat.png");

        await phone.BackButton.ClickAsync();

        await Expect(phone.Sidebar).ToBeVisibleAsync();
        await Expect(phone.ChatRegion("Dan Desktop")).ToHaveCountAsync(0);
        await Expect(phone.Conversation("Dan Desktop")).ToBeVisibleAsync();
        // The Back button went away with the chat: focus lands on the conversation just left, not on <body>.
        await Expect(phone.Conversation("Dan Desktop")).ToBeFocusedAsync();
        // The desktop keeps both panes side by side.
        await Expect(desktop.Sidebar).ToBeVisibleAsync();
        await Expect(desktop.ChatRegion("Mia Mobile")).ToBeVisibleAsync();
        // The sidebar's language switch fits inside the sidebar (it was cut off at its right edge).
        var sidebar = await desktop.Sidebar.BoundingBoxAsync();
        var select = await desktop.LanguageSwitch.BoundingBoxAsync();
        Assert.NotNull(sidebar);
        Assert.NotNull(select);
        Assert.True(select.X >= sidebar.X && select.X + select.Width <= sidebar.X + sidebar.Width,
            $"language switch [{select.X}, {select.X + select.Width}] outside the sidebar [{sidebar.X}, {sidebar.X + sidebar.Width}]");
    }
}
