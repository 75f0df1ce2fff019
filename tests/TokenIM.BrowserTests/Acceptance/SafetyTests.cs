using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using TokenIM.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>Message text is text: markup stays literal, only http(s) URLs become links, and links open safely.</summary>
public sealed partial class SafetyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Message_MarkupAndLinks_ShownAsTextAndOnlyHttpLinksAreSafeAnchors()
    {
        var (sender, senderName, reader, readerName) = await SignedUpPairAsync();
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

    /// <summary>Each payload would set <c>window.__pwned</c> to its number if the page ever ran it.</summary>
    private static readonly string[] s_hostile =
    [
        "<script>window.__pwned=1</script>",
        "<img src=x onerror=\"window.__pwned=2\">",
        "<svg onload=\"window.__pwned=3\"></svg>",
        "<iframe srcdoc=\"<script>parent.__pwned=4</script>\"></iframe>",
        "\"><img src=x onerror=window.__pwned=5>",
        "javascript:window.__pwned=6",
        "<a href=\"javascript:window.__pwned=7\">click</a>",
        "[click](javascript:window.__pwned=8)",
        "{{constructor.constructor('window.__pwned=9')()}}",
        "<details open ontoggle=\"window.__pwned=10\">x</details>",
        "data:text/html,<script>window.__pwned=11</script>",
        "<style>*{display:none}</style><b>12</b>",
        "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=13>",
        "https://example.com/\"onmouseover=\"window.__pwned=14",
    ];

    [Fact]
    public async Task Message_HostilePayloads_ShownAsTextNothingRunsNothingInjected()
    {
        var (sender, senderName, reader, readerName) = await SignedUpPairAsync();
        await sender.StartDirectChatAsync(readerName);
        foreach (var text in s_hostile)
            await sender.SendAsync(text);
        await reader.OpenAsync(senderName);

        int shown = 0, executed = 0, injected = 0;
        foreach (var app in new[] { sender, reader })
        {
            await Expect(app.Messages).ToHaveCountAsync(s_hostile.Length);
            // Hover and click every message, so handlers that need an event would have had it.
            foreach (var text in s_hostile)
            {
                var message = app.Messages.Filter(new() { HasText = text }).First;
                await message.HoverAsync();
                shown += (await message.InnerTextAsync()).Contains(text, StringComparison.Ordinal) ? 1 : 0;
            }

            injected += await app.Messages.Locator("script, img, svg, iframe, details, style, math, b, a[href^='javascript:' i], a[href^='data:' i]").CountAsync();
            executed += await app.Page.EvaluateAsync<bool>("() => window.__pwned !== undefined") ? 1 : 0;
        }

        Figures.Print($"browser-hostile-text: payloads={s_hostile.Length} pages=2 shown_as_text={shown} executed={executed} injected_elements={injected}");
        Assert.Equal((s_hostile.Length * 2, 0, 0), (shown, executed, injected));
    }

    /// <summary>A sender (mallory) and a reader (victim), each signed up in a browser context of their own.</summary>
    private async Task<(ChatApp Sender, string SenderName, ChatApp Reader, string ReaderName)> SignedUpPairAsync()
    {
        var sender = new ChatApp(await NewUserPageAsync("mallory"));
        var reader = new ChatApp(await NewUserPageAsync("victim"));
        var readerName = Server.NextUsername("victim");
        var senderName = Server.NextUsername("mallory");
        await sender.SignUpAsync(senderName);
        await reader.SignUpAsync(readerName);
        return (sender, senderName, reader, readerName);
    }

    [GeneratedRegex(@"(^|\s)noopener(\s|$)")]
    private static partial Regex Noopener();

    [GeneratedRegex(@"(^|\s)noreferrer(\s|$)")]
    private static partial Regex Noreferrer();
}
