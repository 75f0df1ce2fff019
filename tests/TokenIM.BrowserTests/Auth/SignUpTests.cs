using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Auth;

/// <summary>Creating an account in the browser.</summary>
public sealed class SignUpTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task SignUp_NewAccount_LandsOnEmptyConversationList()
    {
        var app = new ChatApp(await NewUserPageAsync("newcomer"));

        await app.SignUpAsync(Server.NextUsername("newcomer"));

        await Expect(app.Sidebar).ToBeVisibleAsync();
        await Expect(app.Conversations).ToHaveCountAsync(0);
        await Expect(app.Username).ToBeHiddenAsync();
    }
}
