using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>Sign up, start a chat and send, with the keyboard only (Tab, Shift+Tab, Enter, typing) after the first load.</summary>
public sealed class KeyboardTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>More presses than the page has stops: reaching this means the target is unreachable or focus is trapped.</summary>
    private const int MaxPresses = 25;

    [Fact]
    public async Task SignUpStartChatAndSend_KeyboardOnly_MessageIsSent()
    {
        var peer = Server.NextUsername("peer");
        await Server.RegisterAsync(peer, ChatApp.Password);
        var app = new ChatApp(await NewUserPageAsync("keys"));
        var keyboard = app.Page.Keyboard;
        await app.Page.GotoAsync("/");

        // The sign-in form opens with the username focused; the switch to "Create account" is a few Tabs away.
        await Expect(app.Username).ToBeFocusedAsync();
        await FocusAsync(app, app.CreateAccountToggle, "Tab");
        await keyboard.PressAsync("Enter");
        await Expect(app.CreateAccountButton).ToBeVisibleAsync();
        await FocusAsync(app, app.Username, "Shift+Tab");
        await keyboard.TypeAsync(Server.NextUsername("keys"));
        await FocusAsync(app, app.DisplayName, "Tab");
        await keyboard.TypeAsync("Kay Board");
        await FocusAsync(app, app.PasswordInput, "Tab");
        await keyboard.TypeAsync(ChatApp.Password);
        await keyboard.PressAsync("Enter");
        await Expect(app.Sidebar).ToBeVisibleAsync();

        await FocusAsync(app, app.NewChatButton, "Tab");
        await keyboard.PressAsync("Enter");
        // Reachable by Tab from wherever the dialog put focus (whether it focuses the search first is tested below).
        await FocusAsync(app, app.UserSearch, "Tab");
        await keyboard.TypeAsync(peer);
        await Expect(app.SearchResult(peer)).ToBeVisibleAsync();
        await FocusAsync(app, app.SearchResult(peer), "Tab");
        await keyboard.PressAsync("Enter");

        await Expect(app.Composer).ToBeFocusedAsync();
        await keyboard.TypeAsync("typed, not clicked");
        await keyboard.PressAsync("Enter");

        await Expect(app.Message("typed, not clicked")).ToHaveAttributeAsync("data-status", "sent");
        await Expect(app.Composer).ToBeFocusedAsync();
    }

    [Fact]
    public async Task NewChatAndNewGroup_OpenedAndClosedByKeyboard_FocusFirstFieldThenReturnToButton()
    {
        var app = new ChatApp(await NewUserPageAsync("focus"));
        await app.SignUpAsync(Server.NextUsername("focus"));
        var wrong = new List<string>();

        // Typing right away must go to the dialog's first field, not to its Close button.
        foreach (var (button, field) in new[] { (app.NewChatButton, app.UserSearch), (app.NewGroupButton, app.GroupName) })
        {
            await FocusAsync(app, button, "Tab");
            await app.Page.Keyboard.PressAsync("Enter");
            await Expect(app.Dialog).ToBeVisibleAsync();
            if (!await field.EvaluateAsync<bool>("e => e === document.activeElement"))
                wrong.Add($"{button} opened its dialog with focus on {await DescribeFocusAsync(app)}, not on {field}");
            await app.Page.Keyboard.PressAsync("Escape");
            await Expect(app.Dialog).ToHaveCountAsync(0);
            // Closing returns focus to the button that opened the dialog, not to the top of the page.
            if (!await button.EvaluateAsync<bool>("e => e === document.activeElement"))
                wrong.Add($"Escape closed the {button} dialog with focus on {await DescribeFocusAsync(app)}, not back on the button");
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>
    /// Presses <paramref name="key"/> until <paramref name="target"/> has focus; fails naming the focus path when it
    /// cannot be reached (an unreachable control or a keyboard trap).
    /// </summary>
    private static async Task FocusAsync(ChatApp app, ILocator target, string key)
    {
        await Expect(target).ToBeVisibleAsync();
        var path = new List<string>();
        for (var i = 0; i < MaxPresses; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
                return;
            await app.Page.Keyboard.PressAsync(key);
            path.Add(await DescribeFocusAsync(app));
        }
        Assert.Fail($"{target} not reached with {MaxPresses} × {key}; focus went: {string.Join(" → ", path)}");
    }

    private static Task<string> DescribeFocusAsync(ChatApp app) => app.Page.EvaluateAsync<string>(
        "() => { const e = document.activeElement; return !e || e === document.body ? 'body' : `${e.tagName.toLowerCase()}[${e.getAttribute('aria-label') ?? e.textContent?.trim().slice(0, 30) ?? ''}]` }");
}
