using Microsoft.Playwright;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// One server, one Playwright driver and one Debian Chromium per test class; each test opens its own contexts
/// through <see cref="BrowserTest"/>. Never a downloaded browser: <c>playwright install</c> is not run anywhere.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium, installed by scripts/test.sh; TOKENIM_CHROMIUM overrides it.</summary>
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("TOKENIM_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public BrowserServerFactory Server { get; } = new();

    /// <summary>
    /// The browser. Playwright gives each launch a fresh temporary user-data folder and deletes it on close (it refuses
    /// a <c>--user-data-dir</c> argument), so no profile carries over between classes or runs.
    /// </summary>
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}: scripts/test.sh installs it (apt-get install chromium).");

        // A CI machine with two cores runs the other suites alongside: give auto-waiting assertions headroom.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                // Keeps Chromium off the network: no DNS queries for Google's update and account hosts.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
            ],
        });
        _ = Server.BaseUri; // start the server now, outside any test's timing
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}
