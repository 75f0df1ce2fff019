using System.Diagnostics;

namespace TokenIM.Cli.Bench;

/// <summary>
/// <c>group</c>: one group of G members, all online, S of them sending M messages in total with W in flight each.
/// Every message goes to the G − 1 other members. Measures deliveries per second and the latency of each message's
/// last delivery (the moment the whole group has it), and counts lost and duplicated deliveries.
/// </summary>
internal static class GroupScenario
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, int members, int senders, int messages, int window,
        Progress progress, CancellationToken cancellationToken)
    {
        if (members < 2 || senders < 1 || senders > members)
            throw new ArgumentException("--members must be at least 2 and --senders between 1 and --members.");
        var perSender = messages / senders;
        var total = (long)perSender * senders;
        var result = new BenchResult("group", new Dictionary<string, string>
        {
            ["members"] = $"{members}",
            ["senders"] = $"{senders}",
            ["messages"] = $"{total}",
            ["window"] = $"{window}",
        });

        using var population = new BenchPopulation(target);
        var people = await population.CreateUsersAsync(members, progress, cancellationToken);
        var group = await people[0].Client.CreateGroupAsync("bench", people.Skip(1).Select(p => p.Id), cancellationToken);

        var pump = new SendPump(members, window);
        var lastDelivery = new LatencyRecorder();
        var deliveries = new LatencyRecorder();
        // Deliveries per seq: the one that brings a message's count to G − 1 is its last.
        var perSeq = new int[total + 16];
        var trackers = new SeqTracker[members];
        for (var i = 0; i < members; i++)
            trackers[i] = new SeqTracker();
        var sockets = await population.ConnectAsync(people, [.. Enumerable.Range(0, members)], (socket, json) =>
        {
            var frame = BenchFrame.Parse(json);
            if (frame.Op.SequenceEqual("message"u8))
            {
                if (!trackers[socket.Index].Add(frame.Seq))
                    return;
                var stamp = Stamp.Read(frame.Text);
                deliveries.RecordSince(stamp);
                if (frame.Seq < perSeq.Length && Interlocked.Increment(ref perSeq[frame.Seq]) == members - 1)
                    lastDelivery.RecordSince(stamp);
            }
            else if (frame.Op.SequenceEqual("ack"u8) || frame.Op.SequenceEqual("error"u8))
            {
                pump.OnAnswer(socket.Index, frame);
            }
        }, progress, cancellationToken);

        try
        {
            var started = Stopwatch.GetTimestamp();
            progress.Show(() => $"group: {pump.Acked:N0}/{total:N0} acked, {deliveries.Count:N0} deliveries, {deliveries.Count / Math.Max(0.001, Stopwatch.GetElapsedTime(started).TotalSeconds):N0}/s");
            var before = await population.DiagnosticsAsync(collect: false, cancellationToken);
            deliveries.Start();
            lastDelivery.Start();
            var stalled = await StallGuard.RunAsync(() => pump.Acked + deliveries.Count + pump.Refused, async token =>
            {
                await pump.RunAsync([.. Enumerable.Range(0, senders)], i => sockets[i], _ => group.Id, perSender, 0, token);
                await StallGuard.UntilAsync(() => deliveries.Count >= pump.Acked * (members - 1), token);
            }, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var after = await population.DiagnosticsAsync(collect: false, cancellationToken);

            var distinct = trackers.Sum(t => t.Distinct);
            result.Add("deliveries_per_second", distinct / elapsed, "deliveries/s");
            result.Add("messages_per_second", pump.Acked / elapsed, "msg/s");
            result.AddLatency("last_delivery", lastDelivery);
            pump.AddCounts(result, total);
            result.Add("lost", (pump.Acked * (members - 1)) - distinct, "deliveries");
            result.Add("duplicated", trackers.Sum(t => t.Duplicates), "deliveries");
            if (before is not null && after is not null && distinct > 0)
                result.Add("server_cpu_per_delivery", (after.CpuTimeMs - before.CpuTimeMs) * 1000 / distinct, "µs");
            result.AddRun(elapsed, stalled);
            result.LatencyLabel = "send → last delivery";
            result.Latency = lastDelivery.Distribution();
            result.TimelineLabel = "deliveries";
            result.Timeline = deliveries.Timeline();
            return result;
        }
        finally
        {
            await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
