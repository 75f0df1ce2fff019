namespace TokenIM.Cli.Bench;

/// <summary>
/// Runs a phase of a scenario and cancels it when a progress counter stops moving for 30 seconds: a dead socket or a
/// stuck server would otherwise hang the run forever. The run then reports what it has (lost counts included).
/// </summary>
internal static class StallGuard
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="phase"/>; true when it was cancelled for a stall.</summary>
    public static async Task<bool> RunAsync(Func<long> progress, Func<CancellationToken, Task> phase, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var last = progress();
        var movedAt = DateTime.UtcNow;
        var stalled = false;
        using var timer = new Timer(_ =>
        {
            var now = progress();
            if (now != Interlocked.Exchange(ref last, now))
                movedAt = DateTime.UtcNow;
            else if (DateTime.UtcNow - movedAt > Limit)
            {
                stalled = true;
                cancel.Cancel();
            }
        }, null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        try
        {
            await phase(cancel.Token);
            return false;
        }
        catch (OperationCanceledException) when (stalled && !cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>Completes when <paramref name="done"/> holds, checked every 10 ms (the drain after the last send).</summary>
    public static async Task UntilAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done())
            await Task.Delay(10, cancellationToken);
    }
}
