using System.Diagnostics;

namespace TokenIM.Cli.Bench;

/// <summary>
/// <c>connect</c>: K socket set-ups (TCP, upgrade with the token validated, until <c>ready</c>), C at a time, spread
/// over U users; each socket is dropped once ready. Measures set-ups per second and the set-up latency.
/// </summary>
internal static class ConnectScenario
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, int users, int count, int concurrency,
        Progress progress, CancellationToken cancellationToken)
    {
        // Each user holds at most one socket at a time, far below the per-user limit, so no set-up is refused for it.
        users = Math.Max(users, concurrency * 2);
        var result = new BenchResult("connect", new Dictionary<string, string>
        {
            ["users"] = $"{users}",
            ["connections"] = $"{count}",
            ["concurrency"] = $"{concurrency}",
        });

        using var population = new BenchPopulation(target);
        var people = await population.CreateUsersAsync(users, progress, cancellationToken);
        foreach (var person in people)
            await person.Client.GetAccessTokenAsync(cancellationToken);

        var latency = new LatencyRecorder();
        var failed = 0L;
        var next = -1;
        progress.Show(() => $"connect: {latency.Count:N0}/{count:N0} set up, {Volatile.Read(ref failed):N0} failed");
        var before = await population.DiagnosticsAsync(collect: false, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        latency.Start();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(lane => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var begun = Stopwatch.GetTimestamp();
                try
                {
                    // Lane l only ever uses users l, l + C, l + 2C…: one socket per user at a time.
                    var user = people[lane + (concurrency * (i / concurrency % (users / concurrency)))];
                    await using var socket = await population.ConnectOneAsync(user, i, static (_, _) => { }, cancellationToken);
                    latency.RecordSince(begun);
                }
                catch (Exception error) when (error is System.Net.WebSockets.WebSocketException or HttpRequestException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }, cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = await population.DiagnosticsAsync(collect: false, cancellationToken);

        result.Add("per_second", latency.Count / elapsed, "set-ups/s");
        result.AddLatency("setup", latency);
        result.Add("failed", failed, "");
        if (before is not null && after is not null && latency.Count > 0)
            result.Add("server_cpu_per_setup", (after.CpuTimeMs - before.CpuTimeMs) * 1000 / latency.Count, "µs");
        result.LatencyLabel = "connect → ready";
        result.Latency = latency.Distribution();
        result.TimelineLabel = "set-ups";
        result.Timeline = latency.Timeline();
        return result;
    }
}
