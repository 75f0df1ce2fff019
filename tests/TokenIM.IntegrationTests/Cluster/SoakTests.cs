using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cluster;

/// <summary>
/// The soak (scripts/soak.sh, never in CI): the local cluster under steady SDK traffic through HAProxy for
/// <c>TOKENIM_SOAK_MINUTES</c>, a node killed (-9) and restarted every <c>TOKENIM_SOAK_KILL_MINUTES</c> (5), each
/// node's resident memory and managed heap sampled every <c>TOKENIM_SOAK_SAMPLE_SECONDS</c> (10); at the end the
/// checker's totals and each node process's memory slope (MB per hour, least squares). The offered load is
/// <c>TOKENIM_SOAK_RATE</c> messages a second (default 4,500: half the cluster's <c>direct</c> benchmark), capped by
/// a window of sends in flight per device so that an overloaded cluster shows as a lower achieved rate, not a backlog.
/// </summary>
[Collection(nameof(LocalCluster))]
public sealed class SoakTests(LocalCluster cluster)
{
    private const int Pairs = 100;
    private const int MaxInFlightPerDevice = 16;
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static double? Setting(string name) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : null;

    [Fact]
    public async Task Soak_NodeKilledEveryFewMinutes_NothingLost_MemorySlopePrinted()
    {
        Assert.SkipWhen(!LocalCluster.Enabled || Setting("TOKENIM_SOAK_MINUTES") is null, "Only scripts/soak.sh runs the soak (TOKENIM_SOAK_MINUTES).");
        var duration = TimeSpan.FromMinutes(Setting("TOKENIM_SOAK_MINUTES")!.Value);
        var killEvery = TimeSpan.FromMinutes(Setting("TOKENIM_SOAK_KILL_MINUTES") ?? 5);
        var sampleEvery = TimeSpan.FromSeconds(Setting("TOKENIM_SOAK_SAMPLE_SECONDS") ?? 10);
        var rate = Setting("TOKENIM_SOAK_RATE") ?? 4500;
        var output = Environment.GetEnvironmentVariable("TOKENIM_SOAK_DIR") ?? Path.GetTempPath();
        using var progress = new StreamWriter(Path.Combine(output, "progress.log")) { AutoFlush = true };

        await using var traffic = await ClusterTraffic.ConnectAsync(cluster, "soak", Pairs, _ => (LocalCluster.Balancer, LocalCluster.Balancer));
        // Each tick every device sends one message: 2 × Pairs devices per interval make the rate.
        traffic.Start(TimeSpan.FromSeconds(2.0 * Pairs / rate), MaxInFlightPerDevice);
        var samples = new List<MemorySample>();
        var victims = new List<string>();
        var clock = Stopwatch.StartNew();
        var nextKill = killEvery;
        using var timer = new PeriodicTimer(sampleEvery);
        var ackedBefore = 0;
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync(TestContext.Current.CancellationToken))
        {
            for (var n = 1; n <= 3; n++)
            {
                if (cluster.IsAlive($"node{n}"))
                    samples.Add(await SampleAsync(cluster, n, clock.Elapsed));
            }
            var acked = traffic.Acked;
            var memory = string.Join(' ', samples.TakeLast(3).Select(s => FormattableString.Invariant($"{s.Node}:rss={s.RssMb:F0}MB,heap={s.HeapMb:F0}MB")));
            await progress.WriteLineAsync(FormattableString.Invariant(
                $"{clock.Elapsed:hh\\:mm\\:ss} acked={acked} rate={(acked - ackedBefore) / sampleEvery.TotalSeconds:F0}/s skipped_ticks={traffic.Skipped} {memory}"));
            ackedBefore = acked;
            if (clock.Elapsed < nextKill)
                continue;
            var victim = $"node{victims.Count % 3 + 1}";
            await cluster.KillAsync(victim);
            victims.Add(victim);
            await progress.WriteLineAsync($"{clock.Elapsed:hh\\:mm\\:ss} killed {victim} (-9); starting it again");
            await LocalCluster.WaitUntilAsync(async () => (await LocalCluster.BalancerViewAsync())[victim].Status.StartsWith("DOWN", StringComparison.Ordinal),
                $"HAProxy takes {victim} out", TimeSpan.FromSeconds(60));
            await cluster.StartNodeAsync(int.Parse(victim[^1..], CultureInfo.InvariantCulture));
            nextKill += killEvery;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await traffic.StopAsync();
        var achieved = traffic.Acked / seconds;
        await progress.WriteLineAsync($"stopped after {seconds:F0} s; resync and audit of {traffic.Acked} messages");
        await File.WriteAllLinesAsync(Path.Combine(output, "memory.csv"),
            ["seconds,node,pid,rss_mb,heap_mb", .. samples.Select(s => FormattableString.Invariant($"{s.At.TotalSeconds:F0},{s.Node},{s.Pid},{s.RssMb:F1},{s.HeapMb:F1}"))]);
        foreach (var life in samples.GroupBy(s => (s.Node, s.Pid)).OrderBy(g => g.Key.Node))
            Figures.Print(MemoryLine(life.Key.Node, life.Key.Pid, [.. life]));
        await traffic.ResyncAllAsync();

        var tally = await traffic.AuditAsync();
        tally.Report("soak", FormattableString.Invariant(
            $" minutes={seconds / 60:F1} offered_rate={rate:F0}/s achieved_rate={achieved:F0}/s kills={victims.Count} killed={string.Join(',', victims)} skipped_ticks={traffic.Skipped}"));
    }

    /// <summary>One node process's memory over its life: first and last, and the least-squares slope in MB per hour.</summary>
    private static string MemoryLine(string node, int pid, IReadOnlyList<MemorySample> life)
    {
        var hours = life.Select(s => s.At.TotalHours).ToArray();
        var (rssSlope, heapSlope) = (Slope(hours, [.. life.Select(s => s.RssMb)]), Slope(hours, [.. life.Select(s => s.HeapMb)]));
        return FormattableString.Invariant(
            $"soak-memory: {node} pid={pid} samples={life.Count} minutes={(life[^1].At - life[0].At).TotalMinutes:F1} rss_mb={life[0].RssMb:F0}->{life[^1].RssMb:F0} rss_slope_mb_per_hour={rssSlope:+0.0;-0.0} heap_mb={life[0].HeapMb:F0}->{life[^1].HeapMb:F0} heap_slope_mb_per_hour={heapSlope:+0.0;-0.0}");
    }

    private static double Slope(double[] x, double[] y)
    {
        if (x.Length < 2)
            return double.NaN;
        var (mx, my) = (x.Average(), y.Average());
        var covariance = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        var variance = x.Sum(a => (a - mx) * (a - mx));
        return variance == 0 ? double.NaN : covariance / variance;
    }

    /// <summary>Resident memory from /proc (what the machine pays), managed heap from the node's /diagnostics (loopback only).</summary>
    private static async Task<MemorySample> SampleAsync(LocalCluster cluster, int n, TimeSpan at)
    {
        var pid = cluster.Pid($"node{n}");
        var rssKb = File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();
        var heap = double.NaN;
        try
        {
            var diagnostics = await s_http.GetFromJsonAsync<DiagnosticsDto>(new Uri(LocalCluster.Node(n), "api/v1/diagnostics"), Api.Json);
            heap = diagnostics!.ManagedHeapBytes / 1048576.0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Diagnostics off (soak.sh turns them on) or the node busy: the heap column stays empty for this sample.
        }
        return new MemorySample(at, $"node{n}", pid, rssKb / 1024, heap);
    }

    private sealed record MemorySample(TimeSpan At, string Node, int Pid, double RssMb, double HeapMb);
}
