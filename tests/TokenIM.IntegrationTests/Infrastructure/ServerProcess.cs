using System.Collections.Concurrent;
using System.Diagnostics;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// The server binary itself, as a child process listening where <c>--urls</c> says, over its own data directory. For
/// what only the binary's own start-up does: the local admin socket joins the addresses Kestrel binds, which a
/// <c>WebApplicationFactory</c> with Kestrel replaces by a listener of its own.
/// </summary>
public sealed class ServerProcess : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private int _userCounter;

    public int Port { get; } = LiveTokenImFactory.FreePort();

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tokenim-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The local admin socket at its default place.</summary>
    public string SocketPath => Path.Combine(DataDirectory, "admin.sock");

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public string NextUsername(string prefix = "user") => $"{prefix}{Interlocked.Increment(ref _userCounter)}";

    public async ValueTask InitializeAsync()
    {
        var binary = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "TokenIM.Server.exe" : "TokenIM.Server");
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{Port}", "--data", DataDirectory,
            "--TokenIM:Passwords:Pbkdf2Iterations=1000", "--TokenIM:RateLimits:Enabled=false",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        ];
        foreach (var arg in args)
            info.ArgumentList.Add(arg);

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Record(e.Data, started);
        _process.ErrorDataReceived += (_, e) => Record(e.Data, started);
        _process.Exited += (_, _) => started.TrySetException(new InvalidOperationException("The server exited while starting:\n" + Output));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // The host's own "started" line comes after every listener, the local socket too, is bound.
        await started.Task.WaitAsync(s_startTimeout);
    }

    /// <summary>Stops the server as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(s_startTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_process is { HasExited: false })
                _process.Kill();
            _process?.Dispose();
            if (Directory.Exists(DataDirectory))
                Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private void Record(string? line, TaskCompletionSource started)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        if (line.Contains("Application started", StringComparison.Ordinal))
            started.TrySetResult();
    }
}
