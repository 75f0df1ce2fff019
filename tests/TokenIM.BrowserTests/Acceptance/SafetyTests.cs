using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>Message text is text: markup stays literal, only http(s) URLs become links, and links open safely.</summary>
public sealed partial class SafetyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Message_MarkupAndLinks_ShownAsTextAndOnlyHttpLinksAreSafeAnchors()
    {
        var sender = new ChatApp(await NewUserPageAsync("mallory"));
        var reader = new ChatApp(await NewUserPageAsync("victim"));
        var readerName = Server.NextUsername("victim");
        var senderName = Server.NextUsername("mallory");
        await sender.SignUpAsync(senderName);
        await reader.SignUpAsync(readerName);
        var dialogs = new List<string>();
        foreach (var page in new[] { sender.Page, reader.Page })
        {
            page.Dialog += (_, dialog) =>
            {
                dialogs.Add($"{dialog.Type}: {dialog.Message}");
                _ = dialog.DismissAsync();
            };
        }
        const string img = "<img src=x onerror=alert(1)>";
        const string script = "<script>alert(1)</script>";
        const string link = "https://example.com/x?a=1";
        const string js = "javascript:alert(1)";

        await sender.StartDirectChatAsync(readerName);
        foreach (var text in new[] { img, script, $"see {link} now", js })
            await sender.SendAsync(text);
        await reader.OpenAsync(senderName);

        foreach (var app in new[] { sender, reader })
        {
            await Expect(app.Messages).ToHaveCountAsync(4);
            await Expect(app.Message(img)).ToContainTextAsync(img);
            await Expect(app.Message(script)).ToContainTextAsync(script);
            await Expect(app.Message(img).Locator("img")).ToHaveCountAsync(0);
            await Expect(app.Message(script).Locator("script")).ToHaveCountAsync(0);

            var anchor = app.Message(link).GetByRole(AriaRole.Link, new() { Name = link, Exact = true });
            await Expect(anchor).ToHaveAttributeAsync("href", link);
            await Expect(anchor).ToHaveAttributeAsync("target", "_blank");
            await Expect(anchor).ToHaveAttributeAsync("rel", Noopener());
            await Expect(anchor).ToHaveAttributeAsync("rel", Noreferrer());

            await Expect(app.Message(js)).ToContainTextAsync(js);
            await Expect(app.Message(js).GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
            await Expect(app.Message(js).Locator("a")).ToHaveCountAsync(0);
        }
        Assert.Empty(await reader.Page.Locator("img").AllAsync());
        Assert.True(dialogs.Count == 0, $"a dialog opened: {string.Join("; ", dialogs)}");
    }

    [GeneratedRegex(@"(^|\s)noopener(\s|$)")]
    private static partial Regex Noopener();

    [GeneratedRegex(@"(^|\s)noreferrer(\s|$)")]
    private static partial Regex Noreferrer();
}
