namespace TokenIM.Client.Realtime;

/// <summary>
/// Jittered exponential back-off of the reconnect contract: before attempt n+1, a random delay in
/// [0, min(cap, base × 2ⁿ)], where n counts the attempts since the last <c>ready</c> (so losing an established socket
/// waits up to base, the next failure up to base × 2, …). Full jitter spreads the reconnects of many clients after a
/// node restart, so they do not arrive in waves. Used by the one reconnect loop only: not thread-safe.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Random random)
{
    // 2^30 × any sane base is far above any sane cap: beyond it the ceiling cannot grow, and doubles stay finite.
    private const int MaxExponent = 30;

    /// <summary>Connection attempts started since the last <see cref="Reset"/> (every attempt, before the first ready).</summary>
    public int Attempts { get; private set; }

    /// <summary>Counts an attempt that is about to start.</summary>
    public void AttemptStarting() => Attempts++;

    /// <summary>The delay to wait before the next attempt.</summary>
    public TimeSpan NextDelay() => TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(Attempts).Ticks));

    /// <summary>The upper bound of the delay after <paramref name="attempts"/> attempts since the last ready.</summary>
    public TimeSpan Ceiling(int attempts)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(attempts, MaxExponent));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The connection reached <c>ready</c>: losing it waits at most the base delay again.</summary>
    public void Reset() => Attempts = 0;
}
