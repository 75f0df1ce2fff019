using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Hosting;

/// <summary>The server serves the built web client at <c>/</c>, under a strict Content-Security-Policy.</summary>
public sealed class WebClientTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Root_Loads_WithStrictCspAndNoConsoleErrors()
    {
        var page = await NewUserPageAsync("visitor");
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => errors.Add($"page error: {error}");

        var response = await page.GotoAsync("/");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var headers = await response.AllHeadersAsync();
        Assert.True(headers.TryGetValue("content-security-policy", out var csp), "no Content-Security-Policy header on /");
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-inline'", ScriptSrc(csp), StringComparison.Ordinal);
        // The app has rendered (its scripts ran under the policy) once the sign-in form shows.
        await Expect(new ChatApp(page).Username).ToBeVisibleAsync();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public async Task ChatSession_UnderCsp_NoViolationsOrPageErrors()
    {
        var alice = new ChatApp(await NewUserPageAsync("alice"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        var errors = new List<string>();
        foreach (var app in new[] { alice, bob })
        {
            app.Page.Console += (_, message) =>
            {
                if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                    errors.Add($"console: {message.Text} ({message.Location})");
            };
            app.Page.PageError += (_, error) => errors.Add($"page error: {error}");
            // Every violation fires this event, including ones the console would word differently.
            await app.Page.AddInitScriptAsync(
                "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`))");
        }
        var aliceName = Server.NextUsername("alice");
        var bobName = Server.NextUsername("bob");
        var response = await alice.Page.GotoAsync("/");
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(csp);
        Assert.DoesNotContain("'unsafe-inline'", ScriptSrc(csp), StringComparison.Ordinal);

        await alice.SignUpAsync(aliceName);
        await bob.SignUpAsync(bobName);
        await alice.StartDirectChatAsync(bobName);
        await alice.SendAsync("hello under the policy <b>bold?</b> https://example.com/");
        await bob.OpenAsync(aliceName);
        await Expect(bob.Message("hello under the policy")).ToBeVisibleAsync();
        await bob.SendAsync("still no violations");
        await Expect(alice.Message("still no violations")).ToBeVisibleAsync();
        await alice.LanguageSwitch.SelectOptionAsync("zh-CN");
        await alice.Page.ReloadAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "新建聊天", Exact = true })).ToBeVisibleAsync();

        foreach (var app in new[] { alice, bob })
            errors.AddRange(await app.Page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []"));
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    private static string ScriptSrc(string csp) =>
        csp.Split(';').Select(d => d.Trim()).FirstOrDefault(d => d.StartsWith("script-src ", StringComparison.Ordinal)) ?? "";
}
