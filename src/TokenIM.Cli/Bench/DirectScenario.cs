using System.Diagnostics;

namespace TokenIM.Cli.Bench;

/// <summary>
/// <c>direct</c>: U users in pairs, each pair in one direct conversation, every user sending its share of M messages
/// to its partner with W sends in flight (or at a fixed total rate). Measures persisted messages per second end to end
/// (first send → last message both acked and delivered), send → deliver and send → ack latency, server CPU per
/// message, and counts lost and duplicated deliveries.
/// </summary>
internal static class DirectScenario
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, int users, int messages, int window, double rate,
        Progress progress, CancellationToken cancellationToken)
    {
        if (users < 2 || users % 2 != 0)
            throw new ArgumentException("--users must be an even number of at least 2.");
        var perSender = messages / users;
        var result = new BenchResult("direct", new Dictionary<string, string>
        {
            ["users"] = $"{users}",
            ["messages"] = $"{perSender * users}",
            ["window"] = $"{window}",
            ["rate"] = rate > 0 ? $"{rate}" : "max",
        });

        using var population = new BenchPopulation(target);
        var people = await population.CreateUsersAsync(users, progress, cancellationToken);
        var conversations = new string[users];
        await Parallel.ForAsync(0, users / 2, cancellationToken, async (pair, token) =>
        {
            var conversation = await people[2 * pair].Client.CreateDirectConversationAsync(people[(2 * pair) + 1].Id, token);
            conversations[2 * pair] = conversations[(2 * pair) + 1] = conversation.Id;
        });

        var pump = new SendPump(users, window);
        var delivered = new LatencyRecorder();
        var trackers = new SeqTracker[users];
        for (var i = 0; i < users; i++)
            trackers[i] = new SeqTracker();
        var sockets = await population.ConnectAsync(people, [.. Enumerable.Range(0, users)], (socket, json) =>
        {
            var frame = BenchFrame.Parse(json);
            if (frame.Op.SequenceEqual("message"u8))
            {
                if (trackers[socket.Index].Add(frame.Seq))
                    delivered.RecordSince(Stamp.Read(frame.Text));
            }
            else if (frame.Op.SequenceEqual("ack"u8) || frame.Op.SequenceEqual("error"u8))
            {
                pump.OnAnswer(socket.Index, frame);
            }
        }, progress, cancellationToken);

        try
        {
            var total = (long)perSender * users;
            var started = Stopwatch.GetTimestamp();
            progress.Show(() => $"direct: {pump.Acked:N0}/{total:N0} acked, {delivered.Count:N0} delivered, {delivered.Count / Math.Max(0.001, Stopwatch.GetElapsedTime(started).TotalSeconds):N0}/s");
            var before = await population.DiagnosticsAsync(collect: false, cancellationToken);
            delivered.Start();
            var stalled = await StallGuard.RunAsync(() => pump.Acked + delivered.Count + pump.Refused, async token =>
            {
                await pump.RunAsync([.. Enumerable.Range(0, users)], i => sockets[i], i => conversations[i], perSender, rate / users, token);
                await StallGuard.UntilAsync(() => delivered.Count >= pump.Acked, token);
            }, cancellationToken);

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var after = await population.DiagnosticsAsync(collect: false, cancellationToken);

            var distinct = trackers.Sum(t => t.Distinct);
            result.Add("persisted_per_second", pump.Acked / elapsed, "msg/s");
            result.AddLatency("deliver", delivered);
            result.Add("ack_p50", pump.AckLatency.PercentileMs(50), "ms");
            result.Add("ack_p99", pump.AckLatency.PercentileMs(99), "ms");
            if (rate > 0)
            {
                // The generator's lateness is part of the latency above: it shows whether the generator kept up.
                result.Add("generator_lateness_p50", pump.Lateness.PercentileMs(50), "ms");
                result.Add("generator_lateness_p99", pump.Lateness.PercentileMs(99), "ms");
            }

            pump.AddCounts(result, total);
            result.Add("lost", pump.Acked - distinct, "msg");
            result.Add("duplicated", trackers.Sum(t => t.Duplicates), "msg");
            if (before is not null && after is not null && pump.Acked > 0)
            {
                result.Add("server_cpu_per_message", (after.CpuTimeMs - before.CpuTimeMs) * 1000 / pump.Acked, "µs");
                result.Add("server_gen2_collections", after.Gen2Collections - before.Gen2Collections, "");
            }
            result.AddRun(elapsed, stalled);
            result.LatencyLabel = "send → deliver";
            result.Latency = delivered.Distribution();
            result.TimelineLabel = "deliveries";
            result.Timeline = delivered.Timeline();
            return result;
        }
        finally
        {
            await Task.WhenAll(sockets.Where(s => s is not null).Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
