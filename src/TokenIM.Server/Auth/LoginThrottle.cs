using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>
/// Counts failed sign-ins per account name over a sliding hour; past the limit, further attempts are refused
/// without evaluating the password until the oldest failure leaves the window. Keyed by the normalized username,
/// whether or not the account exists, so the limit itself reveals nothing. With Redis the cluster counts them
/// (<see cref="SharedRateLimits"/>: a bucket of the hourly limit refilled evenly over the hour), so guessing through
/// several nodes buys no more tries; this node's own counts, always kept, decide while Redis is unreachable.
/// </summary>
internal sealed class LoginThrottle(IOptions<TokenImOptions> options, TimeProvider time, SharedRateLimits shared)
{
    private static readonly TimeSpan s_window = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    private int Limit => options.Value.RateLimits.FailedLoginsPerAccountPerHour;

    /// <summary>How long the account must wait before a sign-in is evaluated again (the cluster's count), or null.</summary>
    public async ValueTask<TimeSpan?> RetryAfterAsync(string account)
    {
        var decision = await shared.TryTakeAsync("login", account, Limit, s_window, take: false);
        return decision.Shared ? decision.RetryAfter : RetryAfter(account);
    }

    /// <summary>Counts a failed sign-in in the cluster's count and in this node's.</summary>
    public async ValueTask RecordFailureAsync(string account)
    {
        RecordFailure(account);
        await shared.TryTakeAsync("login", account, Limit, s_window);
    }

    /// <summary>How long the account must wait by this node's own count, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string account)
    {
        if (!_failures.TryGetValue(account, out var failures))
            return null;
        lock (failures)
        {
            var now = time.GetUtcNow();
            Expire(failures, now);
            return failures.Count >= Limit ? failures.Peek() + s_window - now : null;
        }
    }

    public void RecordFailure(string account)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            var failures = _failures.GetOrAdd(account, _ => new Queue<DateTimeOffset>());
            lock (failures)
            {
                // Sweep may have dropped this queue between GetOrAdd and the lock: count in the live one.
                if (!_failures.TryGetValue(account, out var live) || !ReferenceEquals(live, failures))
                    continue;
                Expire(failures, now);
                failures.Enqueue(now);
                // Only the newest Limit failures matter; older ones cannot change the answer.
                while (failures.Count > Limit)
                    failures.Dequeue();
                return;
            }
        }
    }

    /// <summary>Drops accounts whose failures have all left the window (called by the housekeeping timer).</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (account, failures) in _failures)
        {
            lock (failures)
            {
                Expire(failures, now);
                if (failures.Count == 0)
                    _failures.TryRemove(new KeyValuePair<string, Queue<DateTimeOffset>>(account, failures));
            }
        }
    }

    private static void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && now - failures.Peek() >= s_window)
            failures.Dequeue();
    }
}
