using TokenIM.Client.Realtime;

namespace TokenIM.Tests.Client.Realtime;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    [Fact]
    public void Ceiling_DoublesFromTheBasePerAttemptSinceReady_UpToTheCap()
    {
        var backoff = new ReconnectBackoff(Base, Cap, new Random(1));

        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.Ceiling(0));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Ceiling(1));
        Assert.Equal(TimeSpan.FromSeconds(16), backoff.Ceiling(5));
        Assert.Equal(Cap, backoff.Ceiling(6));
        Assert.Equal(Cap, backoff.Ceiling(1_000));
    }

    [Fact]
    public void NextDelay_FixedSeed_StaysWithinZeroAndTheCeiling()
    {
        var backoff = new ReconnectBackoff(Base, Cap, new Random(42));
        var delays = new List<TimeSpan>();

        for (var n = 1; n <= 40; n++)
        {
            backoff.AttemptStarting();
            var delay = backoff.NextDelay();
            Assert.Equal(n, backoff.Attempts);
            Assert.InRange(delay, TimeSpan.Zero, backoff.Ceiling(n));
            delays.Add(delay);
        }

        // Jitter, not a fixed schedule: the capped delays differ from each other.
        Assert.True(delays.Skip(10).Distinct().Count() > 20);
    }

    [Fact]
    public void NextDelay_SameSeed_SameDelays()
    {
        var first = new ReconnectBackoff(Base, Cap, new Random(7));
        var second = new ReconnectBackoff(Base, Cap, new Random(7));

        Assert.Equal(
            Enumerable.Range(0, 10).Select(_ => Next(first)),
            Enumerable.Range(0, 10).Select(_ => Next(second)));
    }

    [Fact]
    public void Reset_AtReady_LosingTheSocketWaitsAtMostTheBase_TheNextFailureTwice()
    {
        var backoff = new ReconnectBackoff(Base, Cap, new Random(3));
        for (var n = 0; n < 8; n++)
            Next(backoff);

        backoff.Reset();

        Assert.Equal(0, backoff.Attempts);
        Assert.InRange(backoff.NextDelay(), TimeSpan.Zero, Base);
        Assert.InRange(Next(backoff), TimeSpan.Zero, 2 * Base);
    }

    private static TimeSpan Next(ReconnectBackoff backoff)
    {
        backoff.AttemptStarting();
        return backoff.NextDelay();
    }
}
