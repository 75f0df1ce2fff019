using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// The real server, web client included, on a Kestrel socket on 127.0.0.1 (a browser needs a real socket), with its
/// own SQLite data in a temp folder, cheap password hashing and no request-rate limits. Kept apart from the
/// integration tests' factory so the two suites evolve independently.
/// </summary>
public sealed class BrowserServerFactory : WebApplicationFactory<Program>
{
    private int _userCounter;

    public BrowserServerFactory()
    {
        Directory.CreateDirectory(DataDirectory);
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tokenim-browser-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:43121/</c>; starts the server on first use.</summary>
    public Uri BaseUri
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }

    /// <summary>A username unique within this server: a prefix and a counter, so runs are repeatable.</summary>
    public string NextUsername(string prefix) => $"{prefix}{Interlocked.Increment(ref _userCounter)}";

    /// <summary>Registers a user over the REST API, for a test whose subject is not signing up.</summary>
    public async Task<UserDto> RegisterAsync(string username, string password)
    {
        using var client = new HttpClient { BaseAddress = BaseUri };
        var response = await client.PostAsJsonAsync("api/v1/auth/register", new RegisterRequest(username, password),
            ProtocolJsonContext.Default.Options, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"register {username}: {(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(ProtocolJsonContext.Default.Options, TestContext.Current.CancellationToken))!.User;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenIM:DataDirectory"] = DataDirectory,
            ["TokenIM:Passwords:Pbkdf2Iterations"] = "1000",
            ["TokenIM:RateLimits:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
            return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background task; the OS cleans the temp folder.
        }
    }
}
