using System.Diagnostics;
using HdrHistogram;

namespace TokenIM.Cli.Bench;

/// <summary>
/// Latencies in microseconds (an HDR histogram: 3 significant digits from 1 µs to 10 minutes, safe to record from
/// many threads) and events per second of the run, for the throughput-over-time chart.
/// </summary>
internal sealed class LatencyRecorder
{
    private const int MaxSeconds = 3600;
    private readonly LongConcurrentHistogram _histogram = new(1, 600_000_000, 3);
    private readonly long[] _perSecond = new long[MaxSeconds];
    private long _start = Stopwatch.GetTimestamp();
    private long _lastSecond;

    /// <summary>Starts the clock of the timeline (events before it count in second 0).</summary>
    public void Start() => _start = Stopwatch.GetTimestamp();

    public long Count => _histogram.TotalCount;

    /// <summary>Records one event whose latency began at the <see cref="Stopwatch"/> timestamp <paramref name="startedAt"/>.</summary>
    public void RecordSince(long startedAt)
    {
        var now = Stopwatch.GetTimestamp();
        _histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(startedAt, now).TotalMicroseconds));
        Tick(now);
    }

    private void Tick(long now)
    {
        var second = (long)Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
        if (second is < 0 or >= MaxSeconds)
            return;
        Interlocked.Increment(ref _perSecond[second]);
        if (second > Volatile.Read(ref _lastSecond))
            Volatile.Write(ref _lastSecond, second);
    }

    /// <summary>The latency at <paramref name="percentile"/> (0–100) in milliseconds.</summary>
    public double PercentileMs(double percentile) => _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => _histogram.GetMaxValue() / 1000.0;

    /// <summary>Events per second of the run, second by second.</summary>
    public long[] Timeline() => _perSecond[..(int)(Volatile.Read(ref _lastSecond) + 1)];

    /// <summary>The latency distribution as (percentile, milliseconds) points for the chart.</summary>
    public IReadOnlyList<(double Percentile, double Ms)> Distribution()
    {
        if (_histogram.TotalCount == 0)
            return [];
        double[] percentiles = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 100];
        return [.. percentiles.Select(p => (p, p == 100 ? MaxMs : PercentileMs(p)))];
    }
}
