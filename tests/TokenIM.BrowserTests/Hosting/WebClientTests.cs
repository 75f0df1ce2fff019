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

    private static string ScriptSrc(string csp) =>
        csp.Split(';').Select(d => d.Trim()).FirstOrDefault(d => d.StartsWith("script-src ", StringComparison.Ordinal)) ?? "";
}
