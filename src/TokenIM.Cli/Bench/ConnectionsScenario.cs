using System.Diagnostics;

namespace TokenIM.Cli.Bench;

/// <summary>
/// <c>connections</c>: N authenticated sockets that then sit idle, spread over several 127.0.0.x source addresses
/// (one address has about 28,000 ephemeral ports). Measures the server's memory per socket (managed heap and
/// working set, each after a full compacting collection, before and after connecting) and the CPU idle sockets cost.
/// Needs the server's diagnostics (<c>TokenIM:Diagnostics:Enabled=true</c>) for the server-side figures.
/// </summary>
internal static class ConnectionsScenario
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, int count, int socketsPerUser, TimeSpan idle,
        Progress progress, CancellationToken cancellationToken)
    {
        var users = (count + socketsPerUser - 1) / socketsPerUser;
        var result = new BenchResult("connections", new Dictionary<string, string>
        {
            ["sockets"] = $"{count}",
            ["users"] = $"{users}",
            ["idle"] = $"{idle.TotalSeconds}s",
            ["source_addresses"] = $"{target.SourceAddresses}",
        });

        using var population = new BenchPopulation(target);
        var people = await population.CreateUsersAsync(users, progress, cancellationToken);
        var empty = await population.DiagnosticsAsync(collect: true, cancellationToken);
        var frames = 0L;
        var started = Stopwatch.GetTimestamp();
        var sockets = await population.ConnectAsync(people, [.. Enumerable.Range(0, count).Select(i => i % users)],
            (_, _) => Interlocked.Increment(ref frames), progress, cancellationToken);
        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        try
        {
            var full = await population.DiagnosticsAsync(collect: true, cancellationToken);
            progress.Show(() => $"connections: {count:N0} open, idle for {idle.TotalSeconds:N0} s");
            await Task.Delay(idle, cancellationToken);
            var idled = await population.DiagnosticsAsync(collect: false, cancellationToken);

            result.Add("open", sockets.Count(s => !s.Closed), "sockets");
            result.Add("connect_seconds", connectSeconds, "s");
            if (empty is not null && full is not null && idled is not null)
            {
                result.Add("server_sockets", full.Sockets, "sockets");
                result.Add("heap_per_socket", (full.ManagedHeapBytes - empty.ManagedHeapBytes) / (double)count, "bytes");
                result.Add("working_set_per_socket", (full.WorkingSetBytes - empty.WorkingSetBytes) / (double)count, "bytes");
                result.Add("idle_cpu", (idled.CpuTimeMs - full.CpuTimeMs) / idle.TotalMilliseconds * 100, "% of a core");
            }
            // Frames on idle sockets (presence of others coming online, mostly none): shows the idle traffic.
            result.Add("frames_received", Interlocked.Read(ref frames), "frames");
            return result;
        }
        finally
        {
            await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
