namespace TokenIM.Client;

/// <summary>Settings of a <see cref="TokenImClient"/>. The defaults suit an application; tests change the clock.</summary>
public sealed class TokenImClientOptions
{
    /// <summary>The clock that schedules the proactive refresh. The default is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The fraction of an access token's lifetime after which the client refreshes it, from a timer and before any
    /// request. The default is 0.8 (12 of the default 15 minutes); it must lie in (0, 1].
    /// </summary>
    public double RefreshRatio { get; init; } = 0.8;

    /// <summary>
    /// How long to wait before trying a proactive refresh again after it failed for a transient reason (network,
    /// <c>rate_limited</c>). The default is 5 seconds.
    /// </summary>
    public TimeSpan RefreshRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (!(RefreshRatio > 0 && RefreshRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(RefreshRatio), RefreshRatio, "RefreshRatio must lie in (0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshRetryDelay, TimeSpan.Zero, nameof(RefreshRetryDelay));
    }
}
