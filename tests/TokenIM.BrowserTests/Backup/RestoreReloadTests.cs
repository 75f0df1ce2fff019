using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using TokenIM.Cli;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Backup;

/// <summary>
/// The web client across a restore: pages open while the server is stopped, restored from a backup and started again
/// notice the new store epoch, reload, and show the restored history, then new messages with the reused seqs.
/// </summary>
public sealed class RestoreReloadTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Restore_PagesOpen_ReloadAndShowRestoredHistoryThenNewMessages()
    {
        var data = Path.Combine(Path.GetTempPath(), "tokenim-browser-tests", $"restore-{Guid.NewGuid():N}");
        var backup = Path.Combine(Path.GetTempPath(), "tokenim-browser-tests", $"backup-{Guid.NewGuid():N}");
        var port = FreePort();
        var server = new FixedPortServer(data, port);
        var contexts = new List<IBrowserContext>();
        try
        {
            var alice = new ChatApp(await PageOnAsync(server, contexts));
            var bob = new ChatApp(await PageOnAsync(server, contexts));
            var aliceName = Server.NextUsername("alice");
            var bobName = Server.NextUsername("bob");
            await alice.SignUpAsync(aliceName);
            await bob.SignUpAsync(bobName);
            await alice.StartDirectChatAsync(bobName);
            await alice.SendAsync("kept 1");
            await alice.SendAsync("kept 2");
            await bob.OpenAsync(aliceName);
            await Expect(bob.Message("kept 2")).ToBeVisibleAsync();
            await RunCliAsync("admin", "backup", "--out", backup, "--data", data);
            await alice.SendAsync("lost 3");
            await Expect(bob.Message("lost 3")).ToBeVisibleAsync();
            // A mark that only a reload of the page clears.
            foreach (var page in new[] { alice.Page, bob.Page })
                await page.EvaluateAsync("() => { window.beforeRestore = true }");

            await server.DisposeAsync();
            await RestoreAsync(backup, data);
            server = new FixedPortServer(data, port);
            server.Start();

            foreach (var page in new[] { alice.Page, bob.Page })
                await page.WaitForFunctionAsync("() => window.beforeRestore === undefined", null, new() { Timeout = 30_000 });
            await Expect(bob.Sidebar).ToBeVisibleAsync(); // the session is in the backup: still signed in
            await bob.OpenAsync(aliceName);
            await Expect(bob.Message("kept 2")).ToBeVisibleAsync();
            Assert.Equal([new ShownMessage(1, "kept 1"), new ShownMessage(2, "kept 2")], await bob.ShownMessagesAsync());
            await alice.OpenAsync(bobName);
            await alice.SendAsync("after the restore");
            await Expect(bob.Message("after the restore")).ToBeVisibleAsync();
            Assert.Equal([1L, 2L, 3L], await bob.ShownSeqsAsync());
        }
        finally
        {
            foreach (var context in contexts)
                await context.CloseAsync();
            await server.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var folder in new[] { data, backup }.Where(Directory.Exists))
                Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A page in a new context (its own cookies: its own user) whose relative addresses go to <paramref name="server"/>.</summary>
    private async Task<IPage> PageOnAsync(FixedPortServer server, List<IBrowserContext> contexts)
    {
        var context = await Fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, BaseURL = server.Start().ToString() });
        context.SetDefaultTimeout(15_000);
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    private static async Task RunCliAsync(params string[] args)
    {
        var (exit, error) = await TryCliAsync(args);
        Assert.True(exit == 0, $"tokenim {string.Join(' ', args)} exited {exit}: {error}");
    }

    private static async Task<(int Exit, string Error)> TryCliAsync(params string[] args)
    {
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exit, error.ToString());
    }

    /// <summary>
    /// Restores once the stopped in-process server's last SQLite connection is closed. A real server's process ends;
    /// this one's pooled connections close as its background loops hand them back, which the restore's own check
    /// ("in use by another process") reports until then.
    /// </summary>
    private static async Task RestoreAsync(string backup, string data)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var (exit, error) = await TryCliAsync("admin", "restore", "--from", backup, "--data", data);
            if (exit == 0)
                return;
            Assert.True(error.Contains("in use by another process", StringComparison.Ordinal) && DateTime.UtcNow < deadline, $"tokenim admin restore exited {exit}: {error}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server on a fixed port over a data directory it leaves in place, so it can be stopped and started again as the same address.</summary>
    private sealed class FixedPortServer : WebApplicationFactory<Program>
    {
        private readonly string _data;

        public FixedPortServer(string data, int port)
        {
            _data = data;
            Directory.CreateDirectory(data);
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            Root = new Uri($"http://127.0.0.1:{port}/");
        }

        public Uri Root { get; }

        public Uri Start()
        {
            StartServer();
            return Root;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["TokenIM:DataDirectory"] = _data,
                ["TokenIM:Passwords:Pbkdf2Iterations"] = "1000",
                ["TokenIM:RateLimits:Enabled"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            }));
        }
    }
}
