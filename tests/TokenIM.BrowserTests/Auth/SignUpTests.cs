using System.Text.RegularExpressions;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Auth;

/// <summary>Creating an account and signing in in the browser: where focus goes, and what describes each field.</summary>
public sealed class SignUpTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task SignUp_NewAccount_LandsOnEmptyConversationListWithNewChatFocused()
    {
        var app = new ChatApp(await NewUserPageAsync("newcomer"));

        await app.SignUpAsync(Server.NextUsername("newcomer"));

        await Expect(app.Sidebar).ToBeVisibleAsync();
        await Expect(app.Conversations).ToHaveCountAsync(0);
        await Expect(app.Username).ToBeHiddenAsync();
        // Not <body>: the form that had the focus is gone, so the first thing to do next gets it.
        await Expect(app.NewChatButton).ToBeFocusedAsync();
    }

    [Fact]
    public async Task SignUpForm_RejectedUsername_HintsDescribeFieldsAndFocusGoesToTheInvalidField()
    {
        var app = new ChatApp(await NewUserPageAsync("rejected"));
        await app.Page.GotoAsync("/");
        await app.CreateAccountToggle.ClickAsync();

        await Expect(app.Username).ToHaveAccessibleDescriptionAsync("3–32 characters: a–z, 0–9, dot, dash, underscore.");
        await Expect(app.PasswordInput).ToHaveAccessibleDescriptionAsync("At least 8 characters.");
        await Expect(app.DisplayName).ToHaveAccessibleDescriptionAsync("Optional; shown to others instead of your username.");

        await app.Username.FillAsync("x");
        await app.PasswordInput.FillAsync(ChatApp.Password);
        await app.CreateAccountButton.ClickAsync();

        await Expect(app.Page.GetByTestId("auth-error")).ToBeVisibleAsync();
        await Expect(app.Username).ToBeFocusedAsync();
        await Expect(app.Username).ToHaveAttributeAsync("aria-invalid", "true");
        // The hint, then the server's reason.
        await Expect(app.Username).ToHaveAccessibleDescriptionAsync(new Regex("^3–32 characters.+ .+"));
    }

    [Fact]
    public async Task SignIn_WrongPassword_FocusStaysOnSignInButtonNotBody()
    {
        var username = Server.NextUsername("forgetful");
        await Server.RegisterAsync(username, ChatApp.Password);
        var app = new ChatApp(await NewUserPageAsync("forgetful"));
        await app.Page.GotoAsync("/");

        await app.Username.FillAsync(username);
        await app.PasswordInput.FillAsync("not the password");
        await app.SignInButton.ClickAsync();

        await Expect(app.Page.GetByTestId("auth-error")).ToHaveTextAsync("Wrong username or password.");
        await Expect(app.SignInButton).ToBeFocusedAsync();
    }
}
