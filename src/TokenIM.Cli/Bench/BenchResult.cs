using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenIM.Cli.Bench;

/// <summary>One measured figure: <c>direct.persisted_per_second 23456 msg/s</c>.</summary>
internal sealed record Figure(string Name, double Value, string Unit);

/// <summary>What one scenario run measured: its parameters, figures, and the data of the report's two charts.</summary>
internal sealed class BenchResult(string scenario, IReadOnlyDictionary<string, string> parameters)
{
    public string Scenario { get; } = scenario;

    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters;

    public List<Figure> Figures { get; } = [];

    /// <summary>What the latency figures measure (e.g. "send → deliver"), for the chart's title.</summary>
    public string? LatencyLabel { get; set; }

    public IReadOnlyList<(double Percentile, double Ms)> Latency { get; set; } = [];

    /// <summary>What the timeline counts (e.g. "deliveries"), per second.</summary>
    public string? TimelineLabel { get; set; }

    public long[] Timeline { get; set; } = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public void Add(string name, double value, string unit) => Figures.Add(new Figure($"{Scenario}.{name}", value, unit));

    /// <summary>The p50/p95/p99/p99.9/max figures of <paramref name="recorder"/> under <paramref name="name"/>.</summary>
    public void AddLatency(string name, LatencyRecorder recorder)
    {
        Add($"{name}_p50", recorder.PercentileMs(50), "ms");
        Add($"{name}_p95", recorder.PercentileMs(95), "ms");
        Add($"{name}_p99", recorder.PercentileMs(99), "ms");
        Add($"{name}_p99_9", recorder.PercentileMs(99.9), "ms");
        Add($"{name}_max", recorder.MaxMs, "ms");
    }

    /// <summary>How long the measured phase took, and whether the stall guard ended it.</summary>
    public void AddRun(double seconds, bool stalled)
    {
        Add("seconds", seconds, "s");
        Add("stalled", stalled ? 1 : 0, "");
    }

    public double this[string name] => Figures.First(f => f.Name == $"{Scenario}.{name}").Value;

    /// <summary>One line per figure, for people and for grep.</summary>
    public void Print(TextWriter output)
    {
        foreach (var figure in Figures)
            output.WriteLine($"{figure.Name}: {Format(figure.Value)} {figure.Unit}");
    }

    public static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString(Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);

    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        var document = new BenchJson(
            Scenario,
            StartedAt,
            Environment.MachineName,
            Environment.ProcessorCount,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Parameters,
            [.. Figures],
            LatencyLabel,
            [.. Latency.Select(p => new LatencyPoint(p.Percentile, p.Ms))],
            TimelineLabel,
            Timeline);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, document, BenchJsonContext.Default.BenchJson, cancellationToken);
    }
}

/// <summary>The JSON file a run writes (<c>--out</c>).</summary>
internal sealed record BenchJson(
    string Scenario,
    DateTimeOffset StartedAt,
    string Machine,
    int ProcessorCount,
    string Os,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<Figure> Figures,
    string? LatencyLabel,
    IReadOnlyList<LatencyPoint> Latency,
    string? TimelineLabel,
    long[] Timeline);

internal sealed record LatencyPoint(double Percentile, double Ms);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchJson))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
