using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Auth;

/// <summary>The sessions screen: one browser signs another device of the same user out.</summary>
public sealed class SessionsTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Sessions_RevokeOtherDevice_ThatDeviceLandsOnSignIn()
    {
        var username = Server.NextUsername("sam");
        var first = new ChatApp(await NewUserPageAsync("device-a"));
        var second = new ChatApp(await NewUserPageAsync("device-b"));
        await first.SignUpAsync(username);
        await new GroupAndSessionPages(second.Page).SignInAsync(username);
        var a = new GroupAndSessionPages(first.Page);

        await a.SessionsButton.ClickAsync();
        await Expect(a.SessionsDialog).ToBeVisibleAsync();
        await Expect(a.Sessions).ToHaveCountAsync(2);
        await Expect(a.Sessions.Filter(new() { HasText = "This device" })).ToHaveAttributeAsync("data-current", "true");
        await Expect(a.RevokeButtons).ToHaveCountAsync(1);

        await a.RevokeButtons.ClickAsync();

        await Expect(a.Sessions).ToHaveCountAsync(1);
        await Expect(a.RevokeButtons).ToHaveCountAsync(0);
        // The revoked device's socket is closed and its refresh refused: it is back on the sign-in form.
        await Expect(second.Username).ToBeVisibleAsync();
        await Expect(second.Sidebar).ToBeHiddenAsync();
        // The device that revoked it stays signed in (a new account: the sidebar, with no list yet).
        await Expect(first.Sidebar).ToBeVisibleAsync();
    }
}
