using System.CommandLine;
using System.Globalization;
using System.Text;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Admin;

/// <summary>
/// <c>tokenim admin stats [--watch [SECONDS]]</c>: the cluster's live figures, once as one JSON line like every admin
/// command, or as a compact table refreshed every few seconds until Ctrl-C.
/// </summary>
internal static class StatsCommand
{
    public const double DefaultWatchSeconds = 2;

    public static Command Create(AdminConnection connection)
    {
        var watch = new Option<double?>("--watch")
        {
            Description = $"Print a table and refresh it every SECONDS (default {DefaultWatchSeconds:0}) until Ctrl-C, instead of one JSON line.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "SECONDS",
        };
        watch.Validators.Add(option =>
        {
            if (option.Tokens.Count == 1 && (!double.TryParse(option.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0.5 or > 3600))
                option.AddError("--watch takes a number of seconds from 0.5 to 3600.");
        });
        var stats = new Command("stats", "Live figures of every node and in total: sockets, users, messages and frames per second, store, memory, thread pool.")
        {
            watch,
        };
        stats.SetAction((result, cancellationToken) =>
        {
            if (result.GetResult(watch) is null)
                return connection.RunAsync(result, (client, ct) => client.GetStatsAsync(ct), ProtocolJsonContext.Wire.ServerStatsDto, cancellationToken);
            var interval = TimeSpan.FromSeconds(result.GetValue(watch) ?? DefaultWatchSeconds);
            return connection.RunAsync(result, (client, ct) => WatchAsync(client, result.InvocationConfiguration.Output, interval, ct), cancellationToken);
        });
        return stats;
    }

    private static async Task<int> WatchAsync(Client.TokenImServerClient client, TextWriter output, TimeSpan interval, CancellationToken cancellationToken)
    {
        // Clear and redraw only on a terminal; piped or captured output gets one table after another.
        var redraw = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        try
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var table = Table(await client.GetStatsAsync(cancellationToken));
                await output.WriteAsync(redraw ? "\u001b[H\u001b[2J" + table : table + Environment.NewLine);
                await output.FlushAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the way a watch ends.
        }

        return 0;
    }

    /// <summary>One header line for the cluster, then a row per node.</summary>
    internal static string Table(ServerStatsDto stats)
    {
        var total = stats.Total;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{stats.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  nodes {total.Nodes}  sockets {total.AuthenticatedSockets}/{total.OpenSockets}  users {total.ConnectedUsers}  msg/s {total.MessagesPerSecond:0.#}  frames in/s {total.FramesInPerSecond:0.#}  out/s {total.FramesOutPerSecond:0.#}");
        text.AppendLine();
        text.AppendLine("NODE      HOST              UPTIME    SOCKETS  USERS   MSG/S  IN/S    OUT/S   BATCHES   STORE-MS  HEAP-MB  TP-QUEUE");
        foreach (var node in stats.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{Cut(node.NodeId, 8),-8}  {Cut(node.Host, 16),-16}  {Uptime(node.UptimeSeconds),-8}  {node.AuthenticatedSockets,7}  {node.ConnectedUsers,5}  {node.MessagesPerSecond,6:0.#}  {node.FramesInPerSecond,6:0.#}  {node.FramesOutPerSecond,6:0.#}  {node.GroupCommitBatches,8}  {(node.StoreLatencyMs is { } ms ? ms.ToString("0.00", CultureInfo.InvariantCulture) : "-"),8}  {node.GcHeapBytes / 1048576.0,7:0.0}  {node.ThreadPoolQueueLength,8}");
            text.AppendLine();
        }

        return text.ToString();
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    private static string Uptime(double seconds)
    {
        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d{span.Hours:00}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : $"{span.Minutes}m{span.Seconds:00}s";
    }
}
