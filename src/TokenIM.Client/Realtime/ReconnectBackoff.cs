namespace TokenIM.Client.Realtime;

/// <summary>
/// Jittered exponential back-off of the reconnect contract: after the n-th consecutive failure, a random delay in
/// [0, min(cap, base × 2ⁿ)]; <see cref="Reset"/> after <c>ready</c>. Full jitter spreads the reconnects of many clients
/// after a node restart, so they do not arrive in waves. Used by the one reconnect loop only: not thread-safe.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Random random)
{
    // 2^30 × any sane base is far above any sane cap: beyond it the ceiling cannot grow, and doubles stay finite.
    private const int MaxExponent = 30;

    /// <summary>Consecutive failures since the last <see cref="Reset"/>.</summary>
    public int Failures { get; private set; }

    /// <summary>Counts one more failure and returns the delay to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        Failures++;
        return TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(Failures).Ticks));
    }

    /// <summary>The upper bound of the delay after the <paramref name="failures"/>-th consecutive failure.</summary>
    public TimeSpan Ceiling(int failures)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(failures, MaxExponent));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The connection reached <c>ready</c>: the next failure waits at most base × 2 again.</summary>
    public void Reset() => Failures = 0;
}
