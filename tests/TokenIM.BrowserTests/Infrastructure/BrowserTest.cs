using Microsoft.Playwright;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// A test that drives the web client: each <see cref="NewUserPageAsync"/> is a fresh browser context (its own
/// cookies and storage, so its own signed-in user). When the test fails, every page is saved as a screenshot under
/// the test output folder's <c>screenshots/</c>.
/// </summary>
public abstract class BrowserTest(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly List<(string Name, IBrowserContext Context, IPage Page)> _pages = [];

    protected BrowserFixture Fixture { get; } = fixture;

    protected BrowserServerFactory Server => Fixture.Server;

    /// <summary>The folder failure screenshots go to.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>A page in a new context, named for the screenshot (e.g. "alice"), sized like a desktop window.</summary>
    protected async Task<IPage> NewUserPageAsync(string name, int width = 1280, int height = 800)
    {
        var context = await Fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = Server.BaseUri.ToString() });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        _pages.Add((name, context, page));
        return page;
    }

    /// <summary>
    /// Saves a screenshot of <paramref name="page"/> as <c>artifacts/screenshots/{fileName}</c> under the repository
    /// root (gitignored; CI keeps the folder), whatever the outcome, and attaches it to the test result.
    /// </summary>
    protected static async Task SaveArtifactScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(Artifacts.ScreenshotDirectory, fileName);
        Directory.CreateDirectory(Artifacts.ScreenshotDirectory);
        var bytes = await page.ScreenshotAsync(new() { Path = path });
        TestContext.Current.AddAttachment(Path.GetFileNameWithoutExtension(fileName), bytes, "image/png");
        TestContext.Current.SendDiagnosticMessage($"screenshot: {path}");
    }

    public ValueTask InitializeAsync()
    {
        // A screenshot left by an earlier failing run of this test would read as this run's.
        if (Directory.Exists(ScreenshotDirectory))
        {
            foreach (var stale in Directory.EnumerateFiles(ScreenshotDirectory, $"{TestName}-*.png"))
                File.Delete(stale);
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        // xunit sets TestState once the test method has finished, before the class instance is disposed.
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
            await SaveScreenshotsAsync();
        foreach (var (_, context, _) in _pages)
            await context.CloseAsync();
        GC.SuppressFinalize(this);
    }

    private string TestName => $"{GetType().Name}.{TestContext.Current.TestMethod?.MethodName}";

    private async Task SaveScreenshotsAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        foreach (var (name, _, page) in _pages)
        {
            var path = Path.Combine(ScreenshotDirectory, $"{TestName}-{name}.png");
            try
            {
                await page.ScreenshotAsync(new() { Path = path, FullPage = true });
                TestContext.Current.SendDiagnosticMessage($"screenshot: {path}");
                TestContext.Current.AddAttachment($"screenshot-{name}", File.ReadAllBytes(path), "image/png");
            }
            catch (PlaywrightException e)
            {
                // A crashed or closed page cannot be captured; the assertion failure is the report that matters.
                TestContext.Current.SendDiagnosticMessage($"screenshot of {name} failed: {e.Message}");
            }
        }
    }
}
