using System.Diagnostics;

namespace TokenIM.Cli.Bench;

/// <summary>
/// <c>history</c>: fills one conversation with N messages (two users sending over sockets as fast as the window
/// allows), then reads P pages of 50 through REST, each ending at a seeded random seq, as a client scrolling back
/// does. Measures page latency (request → parsed answer) and pages per second.
/// </summary>
internal static class HistoryScenario
{
    public const int PageSize = 50;

    public static async Task<BenchResult> RunAsync(BenchTarget target, int messages, int pages, int concurrency, int seed,
        Progress progress, CancellationToken cancellationToken)
    {
        var result = new BenchResult("history", new Dictionary<string, string>
        {
            ["messages"] = $"{messages}",
            ["pages"] = $"{pages}",
            ["concurrency"] = $"{concurrency}",
            ["seed"] = $"{seed}",
        });

        using var population = new BenchPopulation(target);
        var people = await population.CreateUsersAsync(2, progress, cancellationToken);
        var conversation = await people[0].Client.CreateDirectConversationAsync(people[1].Id, cancellationToken);

        var pump = new SendPump(2, window: 64);
        var sockets = await population.ConnectAsync(people, [0, 1], (socket, json) =>
        {
            var frame = BenchFrame.Parse(json);
            if (frame.Op.SequenceEqual("ack"u8) || frame.Op.SequenceEqual("error"u8))
                pump.OnAnswer(socket.Index, frame);
        }, progress, cancellationToken);
        var fillStarted = Stopwatch.GetTimestamp();
        try
        {
            progress.Show(() => $"history: filling {pump.Acked:N0}/{messages:N0}");
            await pump.RunAsync([0, 1], i => sockets[i], _ => conversation.Id, messages / 2, 0, cancellationToken);
        }
        finally
        {
            await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));
        }

        var fillSeconds = Stopwatch.GetElapsedTime(fillStarted).TotalSeconds;
        var stored = pump.Acked;
        var random = new Random(seed);
        var ends = Enumerable.Range(0, pages).Select(_ => random.NextInt64(PageSize + 1, stored + 2)).ToArray();
        var latency = new LatencyRecorder();
        var wrong = 0L;
        var reader = people[0].Client;
        progress.Show(() => $"history: {latency.Count:N0}/{pages:N0} pages");
        var started = Stopwatch.GetTimestamp();
        latency.Start();
        await Parallel.ForAsync(0, pages, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var begun = Stopwatch.GetTimestamp();
                var page = await reader.GetMessagesAsync(conversation.Id, beforeSeq: ends[i], limit: PageSize, cancellationToken: token);
                latency.RecordSince(begun);
                // A full page of the 50 seqs just below the end, in order: anything else is a wrong answer.
                if (page.Messages.Count != PageSize || page.Messages[^1].Seq != ends[i] - 1 || page.Messages[0].Seq != ends[i] - PageSize)
                    Interlocked.Increment(ref wrong);
            });
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        result.Add("page_p50", latency.PercentileMs(50), "ms");
        result.Add("page_p99", latency.PercentileMs(99), "ms");
        result.Add("page_max", latency.MaxMs, "ms");
        result.Add("pages_per_second", pages / elapsed, "pages/s");
        result.Add("wrong_pages", wrong, "pages");
        result.Add("stored", stored, "msg");
        result.Add("fill_per_second", stored / fillSeconds, "msg/s");
        result.LatencyLabel = "page of 50";
        result.Latency = latency.Distribution();
        result.TimelineLabel = "pages";
        result.Timeline = latency.Timeline();
        return result;
    }
}
