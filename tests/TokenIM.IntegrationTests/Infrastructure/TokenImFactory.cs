using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// The real server over the real HTTP pipeline, with its own SQLite file in a temp folder. Password hashing is
/// cheap (1,000 iterations) and request-rate limits are off unless a test turns them on through <see cref="Settings"/>.
/// </summary>
public class TokenImFactory : WebApplicationFactory<Program>
{
    private int _userCounter;

    private bool _ownsData;

    public TokenImFactory()
        : this(Path.Combine(Path.GetTempPath(), "tokenim-tests", Guid.NewGuid().ToString("N")), ownsData: true)
    {
    }

    /// <summary>A server over an existing data directory (a restart), which it leaves in place.</summary>
    public static TokenImFactory Over(string dataDirectory) => new(dataDirectory, ownsData: false);

    /// <summary>For derived factories: a server over an existing data directory, which it leaves in place.</summary>
    protected TokenImFactory(string dataDirectory)
        : this(dataDirectory, ownsData: false)
    {
    }

    /// <summary>For derived factories: a server over <paramref name="dataDirectory"/>, deleting it when disposed if it owns it.</summary>
    protected TokenImFactory(string dataDirectory, bool ownsData)
    {
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>Leaves the data directory in place on dispose: another server (a restart) has taken it over.</summary>
    protected void HandOverData() => _ownsData = false;

    /// <summary>Settings applied over the defaults; set them before the first request.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["TokenIM:Passwords:Pbkdf2Iterations"] = "1000",
        ["TokenIM:RateLimits:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>When set, replaces the server's clock.</summary>
    public FakeTimeProvider? Clock { get; init; }

    /// <summary>A username unique within this server: a fixed prefix and a counter, so runs are repeatable.</summary>
    public string NextUsername(string prefix = "user") => $"{prefix}{Interlocked.Increment(ref _userCounter)}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
            new Dictionary<string, string?>(Settings) { ["TokenIM:DataDirectory"] = DataDirectory }));
        if (Clock is not null)
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (!_ownsData)
                return;
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finishing background task; the temp folder is cleaned by the OS.
            }
        }
    }
}
