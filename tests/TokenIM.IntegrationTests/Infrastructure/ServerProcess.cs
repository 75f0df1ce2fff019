using System.Diagnostics;
using System.Globalization;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// The built server (TokenIM.Server.dll, copied beside the tests) as a real child process on a loopback port with a
/// data directory of its own, for what only a real process shows: a <c>kill -9</c> (unlike a server hosted inside the
/// test process), and what only the binary's own start-up does (the local admin socket joins the addresses Kestrel
/// binds, which a <c>WebApplicationFactory</c> with Kestrel replaces by a listener of its own). Started again on the
/// same directory and port, it is the same server after a crash. As a class fixture it starts once. The directory is
/// deleted at the end.
/// </summary>
public sealed class ServerProcess : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"tokenim-process-{Guid.NewGuid():N}");
    private readonly string _log;
    private Process? _process;
    private int _userCounter;

    public ServerProcess()
    {
        Directory.CreateDirectory(_dataDirectory);
        _log = Path.Combine(_dataDirectory, "server.log");
        BaseUri = new Uri($"http://127.0.0.1:{LiveTokenImFactory.FreePort()}/");
    }

    public Uri BaseUri { get; }

    /// <summary>Environment variables set on the server besides the defaults (and winning over them); set before it starts.</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = [];

    public int Port => BaseUri.Port;

    public string DataDirectory => _dataDirectory;

    /// <summary>The local admin socket at its default place.</summary>
    public string SocketPath => Path.Combine(_dataDirectory, "admin.sock");

    /// <summary>The end of what the server logged, for failure messages.</summary>
    public string Output => Log();

    public string NextUsername(string prefix = "user") => $"{prefix}{Interlocked.Increment(ref _userCounter)}";

    public ValueTask InitializeAsync() => new(StartAsync());

    /// <summary>The SQLite database's shared-memory file (WAL index), as the server opens it.</summary>
    public string ShmPath => Path.Combine(_dataDirectory, "tokenim.db-shm");

    public int Pid => _process?.Id ?? throw new InvalidOperationException("The server is not running.");

    /// <summary>Starts the server (again) and returns once <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync()
    {
        // The shell execs the server (same pid) with its output in a file: never a pipe of this process that a killed
        // child would leave half-read. The working directory is the content root (appsettings.json).
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in (string[])["-c", $"exec \"$@\" </dev/null >>'{_log}' 2>&1", "bash", "dotnet", Path.Combine(AppContext.BaseDirectory, "TokenIM.Server.dll")])
            start.ArgumentList.Add(arg);
        // Plain environment variables, as an operator's service file would set them.
        start.Environment["Urls"] = BaseUri.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["TokenIM__DataDirectory"] = _dataDirectory;
        start.Environment["TokenIM__Passwords__Pbkdf2Iterations"] = "1000";
        start.Environment["TokenIM__RateLimits__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in ExtraEnvironment)
            start.Environment[name] = value;
        _process = Process.Start(start)!;
        var waited = Stopwatch.StartNew();
        while (await ReadyStatusAsync() != 200)
        {
            if (_process.HasExited)
                Assert.Fail($"The server exited ({_process.ExitCode}):\n{Log()}");
            Assert.True(waited.Elapsed < StartTimeout, $"The server was not ready within {StartTimeout.TotalSeconds} s:\n{Log()}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP) and asks <paramref name="inCommit"/> about it while nothing in it moves: if yes, it
    /// is killed (SIGKILL) in that very state and true is returned; if not, it runs on (SIGCONT).
    /// </summary>
    public async Task<bool> KillIfAsync(Func<int, bool> inCommit)
    {
        var process = _process ?? throw new InvalidOperationException("The server is not running.");
        await SignalAsync("STOP", process.Id);
        var waited = Stopwatch.StartNew();
        while (State(process.Id) is not ('T' or 't'))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "The server did not stop on SIGSTOP");
            await Task.Yield();
        }
        if (!inCommit(process.Id))
        {
            await SignalAsync("CONT", process.Id);
            return false;
        }
        process.Kill(); // SIGKILL on Unix: a stopped process dies at once
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.Dispose();
        _process = null;
        return true;
    }

    /// <summary>Stops the server as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        await SignalAsync("TERM", process.Id);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(StartTimeout);
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<int> ReadyStatusAsync()
    {
        try
        {
            using var response = await s_http.GetAsync(new Uri(BaseUri, "health/ready"));
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(kill.ExitCode == 0, $"kill -s {signal} {pid} failed");
    }

    /// <summary>The state letter of /proc/pid/stat (R running, S sleeping, T stopped, Z zombie...).</summary>
    private static char State(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return text[text.LastIndexOf(')') + 2];
    }

    private string Log() => File.Exists(_log) ? string.Join('\n', File.ReadLines(_log).TakeLast(40)) : "(no log)";
}
