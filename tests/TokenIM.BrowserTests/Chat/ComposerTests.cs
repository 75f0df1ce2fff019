using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Chat;

/// <summary>The composer's keys: Enter sends, Shift+Enter breaks the line.</summary>
public sealed class ComposerTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task ShiftEnter_InComposer_AddsNewlineInsteadOfSending()
    {
        var peer = Server.NextUsername("peer");
        await Server.RegisterAsync(peer, ChatApp.Password);
        var app = new ChatApp(await NewUserPageAsync("writer"));
        await app.SignUpAsync(Server.NextUsername("writer"));
        await app.StartDirectChatAsync(peer);

        await app.Composer.PressSequentiallyAsync("line one");
        await app.Composer.PressAsync("Shift+Enter");
        await app.Composer.PressSequentiallyAsync("line two");

        await Expect(app.Composer).ToHaveValueAsync("line one\nline two");
        await Expect(app.Messages).ToHaveCountAsync(0);

        await app.Composer.PressAsync("Enter");

        await Expect(app.Composer).ToHaveValueAsync("");
        await Expect(app.Messages).ToHaveCountAsync(1);
        // Rendered as two lines, not joined: innerText keeps the break whether it is pre-wrap text or a <br>.
        var shown = await app.Messages.First.InnerTextAsync();
        Assert.Contains("line one\nline two", shown.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
