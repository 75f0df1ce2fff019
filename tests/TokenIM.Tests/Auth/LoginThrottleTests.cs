using Microsoft.Extensions.Time.Testing;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Auth;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RetryAfter_BelowLimit_IsNull()
    {
        var throttle = new LoginThrottle(TestOptions.Create(o => o.RateLimits.FailedLoginsPerAccountPerHour = 3), _clock, SharedRateLimits.Local);
        throttle.RecordFailure("alice");
        throttle.RecordFailure("alice");

        Assert.Null(throttle.RetryAfter("alice"));
    }

    [Fact]
    public void RetryAfter_AtLimit_IsTimeUntilOldestFailureLeavesTheHour()
    {
        var throttle = new LoginThrottle(TestOptions.Create(o => o.RateLimits.FailedLoginsPerAccountPerHour = 3), _clock, SharedRateLimits.Local);
        throttle.RecordFailure("alice");
        _clock.Advance(TimeSpan.FromMinutes(10));
        throttle.RecordFailure("alice");
        throttle.RecordFailure("alice");

        Assert.Equal(TimeSpan.FromMinutes(50), throttle.RetryAfter("alice"));
        Assert.Null(throttle.RetryAfter("bob"));
        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Null(throttle.RetryAfter("alice"));
    }

    [Fact]
    public void Sweep_ForgetsAccountsWithoutRecentFailures_ButKeepsRecentOnes()
    {
        var throttle = new LoginThrottle(TestOptions.Create(o => o.RateLimits.FailedLoginsPerAccountPerHour = 1), _clock, SharedRateLimits.Local);
        throttle.RecordFailure("old");
        _clock.Advance(TimeSpan.FromMinutes(59));
        throttle.RecordFailure("recent");
        _clock.Advance(TimeSpan.FromMinutes(2));

        throttle.Sweep();

        Assert.Null(throttle.RetryAfter("old"));
        Assert.NotNull(throttle.RetryAfter("recent"));
    }
}
