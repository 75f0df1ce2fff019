using System.Diagnostics;
using System.Globalization;
using System.Text;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Cluster;

/// <summary>
/// A real cluster on loopback, run by <c>deploy/local-cluster.sh</c> as an operator would: PostgreSQL with two shard
/// databases, Redis, three nodes on 127.0.0.1:5101–5103 and HAProxy on 127.0.0.1:5100. Its state lives in a run
/// directory of its own under /tmp, with PostgreSQL and Redis on free ports; it is stopped (<c>down</c>) at the end
/// whatever the tests did. Only with <c>TOKENIM_CLUSTER_TESTS=1</c> (scripts/test.sh sets it): starting it takes
/// seconds and three server processes, too much for a developer's quick <c>dotnet test</c>.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    public const string SkipReason = "TOKENIM_CLUSTER_TESTS is not 1 (scripts/test.sh sets it): the cluster fault tests are off.";

    // `up` publishes the server and starts five processes; on a busy two-core machine that can take a while.
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly string _script = Path.Combine(Repository.Root, "deploy", "local-cluster.sh");
    // Not Path.GetTempPath(): TMPDIR may point somewhere the postgres user cannot reach.
    private readonly string _runDirectory = $"/tmp/tokenim-cluster-{Guid.NewGuid():N}";
    private readonly Dictionary<string, string> _environment;
    private int _users;
    private bool _started;

    public LocalCluster()
    {
        var pgPort = LiveTokenImFactory.FreePort();
        var redisPort = LiveTokenImFactory.FreePort();
        while (redisPort == pgPort)
            redisPort = LiveTokenImFactory.FreePort();
        _environment = new()
        {
            ["TOKENIM_CLUSTER_DIR"] = _runDirectory,
            ["TOKENIM_CLUSTER_PG_PORT"] = pgPort.ToString(CultureInfo.InvariantCulture),
            ["TOKENIM_CLUSTER_REDIS_PORT"] = redisPort.ToString(CultureInfo.InvariantCulture),
            // Every test user signs up from 127.0.0.1 (HAProxy's X-Forwarded-For, or the test itself): the per-address
            // limits are sized for the Internet, not for one machine holding every client. The send rate stays.
            ["TOKENIM_CLUSTER_NODE_ENV"] = "TokenIM__RateLimits__RegistrationsPerAddressPerHour=100000\n"
                + "TokenIM__RateLimits__AuthRequestsPerAddressPerMinute=100000"
                // More settings for a run that needs them (scripts/soak.sh turns the send-rate limit off this way).
                + (Environment.GetEnvironmentVariable("TOKENIM_CLUSTER_NODE_ENV") is { Length: > 0 } extra ? "\n" + extra : ""),
        };
    }

    public static bool Enabled => Environment.GetEnvironmentVariable("TOKENIM_CLUSTER_TESTS") == "1";

    /// <summary>HAProxy, in front of the three nodes.</summary>
    public static Uri Balancer { get; } = new("http://127.0.0.1:5100/");

    /// <summary>Node <paramref name="n"/> (1–3) directly.</summary>
    public static Uri Node(int n) => new($"http://127.0.0.1:{5100 + n}/");

    /// <summary>A username not taken in this cluster.</summary>
    public string NextUsername(string prefix) => $"{prefix}{Interlocked.Increment(ref _users)}";

    public async ValueTask InitializeAsync()
    {
        if (!Enabled)
            return;
        // Set first: a failed `up` may have started some processes, and `down` stops exactly those it recorded.
        _started = true;
        var (exitCode, output) = await RunScriptAsync(UpTimeout, "up");
        if (exitCode != 0)
        {
            var failure = $"deploy/local-cluster.sh up failed (exit {exitCode}):\n{output}\n{Logs()}";
            await DisposeAsync();
            throw new InvalidOperationException(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_started)
            return;
        _started = false;
        var (exitCode, output) = await RunScriptAsync(CommandTimeout, "down");
        if (exitCode != 0)
            Console.WriteLine($"deploy/local-cluster.sh down failed (exit {exitCode}):\n{output}");
        else if (Directory.Exists(_runDirectory))
            Directory.Delete(_runDirectory, recursive: true);
    }

    /// <summary>The pid <c>up</c> (or a later restart) recorded for <paramref name="name"/>: postgres, redis, node1–3, haproxy.</summary>
    public int Pid(string name)
    {
        foreach (var line in File.ReadLines(Path.Combine(_runDirectory, "pids")))
        {
            var fields = line.Split(' ');
            if (fields[0] == name)
                return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"No {name} in {_runDirectory}/pids");
    }

    /// <summary>Whether the process is there and not a zombie (a killed process nobody reaped still has a pid).</summary>
    public bool IsAlive(string name)
    {
        var stat = $"/proc/{Pid(name)}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary><c>kill -9</c>: no drain, no close frames, as a crash or a pulled plug; returns once it is gone.</summary>
    public async Task KillAsync(string name)
    {
        using (var process = Process.GetProcessById(Pid(name)))
            process.Kill(); // SIGKILL on Unix
        await WaitUntilAsync(() => Task.FromResult(!IsAlive(name)), $"{name} is dead", TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts node <paramref name="n"/> again with its environment file; returns once HAProxy sees all three nodes up.</summary>
    public Task StartNodeAsync(int n) => RunOrFailAsync("start-node", n.ToString(CultureInfo.InvariantCulture));

    /// <summary>Kills Redis if it runs and starts it again on its port, empty (it keeps nothing on disk).</summary>
    public Task RestartRedisAsync() => RunOrFailAsync("restart-redis");

    /// <summary>Stops Redis cleanly (<c>SHUTDOWN NOSAVE</c>): every node's connection is closed by Redis, not cut.</summary>
    public Task StopRedisAsync() => RunOrFailAsync("stop-redis");

    /// <summary>Starts PostgreSQL again on its data after a kill; returns once it accepts connections.</summary>
    public Task StartPostgresAsync() => RunOrFailAsync("start-postgres");

    /// <summary>Brings back whatever an earlier test left down, so each test starts on a whole cluster.</summary>
    public async Task EnsureWholeAsync()
    {
        if (!IsAlive("postgres"))
            await StartPostgresAsync();
        if (!IsAlive("redis"))
            await RestartRedisAsync();
        for (var n = 1; n <= 3; n++)
        {
            if (!IsAlive($"node{n}"))
                await StartNodeAsync(n);
        }
        await WaitUntilAsync(async () => await UpNodesAsync() == 3, "HAProxy sees three nodes up", TimeSpan.FromSeconds(30));
    }

    /// <summary>The status of node <paramref name="n"/>'s <c>/health/ready</c>; 0 when it does not answer.</summary>
    public static async Task<int> ReadyStatusAsync(int n)
    {
        try
        {
            using var response = await s_http.GetAsync(new Uri(Node(n), "health/ready"));
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>HAProxy's view of each node (its stats page): node name → (status such as UP or DOWN, current sessions).</summary>
    public static async Task<Dictionary<string, (string Status, int Sessions)>> BalancerViewAsync()
    {
        var csv = await s_http.GetStringAsync("http://127.0.0.1:5109/stats;csv");
        var view = new Dictionary<string, (string, int)>();
        foreach (var line in csv.Split('\n'))
        {
            // Columns: pxname, svname, qcur, qmax, scur (4), ..., status (17).
            var fields = line.Split(',');
            if (fields.Length > 17 && fields[0] == "tokenim_nodes" && fields[1].StartsWith("node", StringComparison.Ordinal))
                view[fields[1]] = (fields[17], int.Parse(fields[4], CultureInfo.InvariantCulture));
        }
        return view;
    }

    public static async Task<int> UpNodesAsync() => (await BalancerViewAsync()).Values.Count(v => v.Status == "UP");

    /// <summary>Polls <paramref name="condition"/> (state other processes change) until it holds; fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < timeout, $"Timed out after {timeout.TotalSeconds} s waiting until {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private async Task RunOrFailAsync(params string[] args)
    {
        var (exitCode, output) = await RunScriptAsync(CommandTimeout, args);
        Assert.True(exitCode == 0, $"deploy/local-cluster.sh {string.Join(' ', args)} failed (exit {exitCode}):\n{output}\n{Logs()}");
    }

    /// <summary>Runs the script with the cluster's environment; its output goes to a file, never a pipe a daemon could hold open.</summary>
    private async Task<(int ExitCode, string Output)> RunScriptAsync(TimeSpan timeout, params string[] args)
    {
        var log = $"{_runDirectory}.{args[0]}.log";
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "log=$1; shift; exec \"$@\" </dev/null >\"$log\" 2>&1", "bash", log, _script, .. args])
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in _environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"(timed out after {timeout.TotalSeconds} s)\n{ReadAndDelete(log)}");
        }
        return (process.ExitCode, ReadAndDelete(log));
    }

    private static string ReadAndDelete(string path)
    {
        if (!File.Exists(path))
            return "";
        var text = File.ReadAllText(path);
        File.Delete(path);
        return text;
    }

    /// <summary>The end of every node's log, and of Redis's and HAProxy's view: what a failure message needs.</summary>
    private string Logs()
    {
        var text = new StringBuilder();
        foreach (var name in (string[])["node1.log", "node2.log", "node3.log", "redis.log"])
        {
            var path = Path.Combine(_runDirectory, name);
            if (!File.Exists(path))
                continue;
            text.Append(CultureInfo.InvariantCulture, $"--- {name} (last 40 lines)\n");
            foreach (var line in File.ReadLines(path).TakeLast(40))
                text.AppendLine(line);
        }
        return text.ToString();
    }
}
