using System.CommandLine;

namespace TokenIM.Cli.Bench;

/// <summary>
/// <c>tokenim bench &lt;scenario&gt;</c>: each scenario is a subcommand with its own sizes; all share the target, the
/// JSON output and the HTML report. The figures print one per line when the run ends.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure a server: throughput, latency, memory. Run scripts/bench.sh for the standard suite.");

        bench.Subcommands.Add(Scenario("direct", "Users in pairs send messages to each other: persisted messages/s, send→deliver latency, lost and duplicated.",
            [Int("--users", 200, "Users (even: they are paired)."), Int("--messages", 100_000, "Messages in total."),
             Int("--window", 16, "Sends in flight per user."), Int("--rate", 0, "Total messages per second to offer; 0 = as fast as possible.")],
            (target, v, progress, token) => DirectScenario.RunAsync(target, v[0], v[1], v[2], v[3], progress, token)));
        bench.Subcommands.Add(Scenario("group", "One group, every member online, some members sending: deliveries/s, latency of the last delivery.",
            [Int("--members", 1000, "Members of the group."), Int("--senders", 10, "Members who send."),
             Int("--messages", 2000, "Messages in total."), Int("--window", 8, "Sends in flight per sender.")],
            (target, v, progress, token) => GroupScenario.RunAsync(target, v[0], v[1], v[2], v[3], progress, token)));
        bench.Subcommands.Add(Scenario("history", "Pages of 50 from a conversation of many messages: page latency.",
            [Int("--messages", 1_000_000, "Messages the conversation holds."), Int("--pages", 5000, "Pages to read."),
             Int("--concurrency", 1, "Pages read at once."), Int("--seed", 42, "Seed of the random page positions.")],
            (target, v, progress, token) => HistoryScenario.RunAsync(target, v[0], v[1], v[2], v[3], progress, token)));
        bench.Subcommands.Add(Scenario("connect", "Socket set-ups (token validation + upgrade + ready): set-ups/s.",
            [Int("--users", 200, "Users the sockets belong to."), Int("--connections", 5000, "Set-ups in total."),
             Int("--concurrency", 32, "Set-ups at once.")],
            (target, v, progress, token) => ConnectScenario.RunAsync(target, v[0], v[1], v[2], progress, token)));
        bench.Subcommands.Add(Scenario("connections", "Idle authenticated sockets: server memory per socket and idle CPU (needs TokenIM:Diagnostics:Enabled).",
            [Int("--sockets", 10_000, "Sockets to open."), Int("--sockets-per-user", 1, "Sockets each user holds."),
             Int("--idle", 10, "Seconds to stay idle while idle CPU is measured.")],
            (target, v, progress, token) => ConnectionsScenario.RunAsync(target, v[0], v[1], TimeSpan.FromSeconds(v[2]), progress, token)));
        return bench;
    }

    private static Option<int> Int(string name, int defaultValue, string description) => new(name)
    {
        Description = $"{description} The default is {defaultValue:N0}.",
        DefaultValueFactory = _ => defaultValue,
    };

    private delegate Task<BenchResult> ScenarioRun(BenchTarget target, int[] values, Progress progress, CancellationToken cancellationToken);

    private static Command Scenario(string name, string description, Option<int>[] options, ScenarioRun run)
    {
        // Each subcommand gets its own instances: System.CommandLine options cannot be shared between commands.
        var (server, output, report, sources, quiet) = CommonOptions();
        var command = new Command(name, description) { server, output, report, sources, quiet };
        foreach (var option in options)
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var values = options.Select(o => parse.GetValue(o)).ToArray();
            if (values.Any(v => v < 0))
            {
                await Console.Error.WriteLineAsync("Every size must be zero or more.");
                return 2;
            }

            var target = new BenchTarget(parse.GetValue(server)!, Math.Clamp(parse.GetValue(sources), 1, 254));
            BenchResult result;
            using (var progress = new Progress(parse.GetValue(quiet) ? null : Console.Error))
            {
                try
                {
                    result = await run(target, values, progress, cancellationToken);
                }
                catch (Exception error) when (error is ArgumentException or HttpRequestException or TokenIM.Client.TokenImApiException)
                {
                    await Console.Error.WriteLineAsync($"\nbench {name}: {error.Message}");
                    return 1;
                }
            }

            result.Print(Console.Out);
            await result.WriteJsonAsync(parse.GetValue(output) ?? $"bench-{name}.json", cancellationToken);
            if (parse.GetValue(report) is { } reportPath)
                await HtmlReport.WriteAsync(reportPath, result, cancellationToken);
            return result.Figures.Any(f => f.Name.EndsWith(".lost", StringComparison.Ordinal) && f.Value != 0)
                || result.Figures.Any(f => f.Name.EndsWith(".duplicated", StringComparison.Ordinal) && f.Value != 0) ? 3 : 0;
        });
        return command;
    }

    private static (Option<Uri>, Option<string?>, Option<string?>, Option<int>, Option<bool>) CommonOptions() => (
        ServerOption.Create(),
        new Option<string?>("--out", "-o") { Description = "Write the results as JSON here (default: bench-<scenario>.json)." },
        new Option<string?>("--report") { Description = "Also write an HTML report (figures, latency histogram, throughput over time; inline SVG)." },
        new Option<int>("--source-addresses")
        {
            Description = "Spread sockets over 127.0.0.1…n (one address has about 28,000 ports). The default is 1.",
            DefaultValueFactory = _ => 1,
        },
        new Option<bool>("--quiet", "-q") { Description = "No progress line." });
}
