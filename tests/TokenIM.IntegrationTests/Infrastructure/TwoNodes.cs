using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Server.Bus;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// Two nodes over one database joined by a real Redis (<c>TOKENIM_REDIS</c>), under a key prefix of their own, so
/// nothing they keep in Redis (presence, budgets) meets another test's nodes. Skips without Redis.
/// </summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private static readonly string? s_redis = Environment.GetEnvironmentVariable("TOKENIM_REDIS");

    private TwoNodes(LiveTokenImFactory first, LiveTokenImFactory second)
    {
        First = first;
        Second = second;
    }

    public LiveTokenImFactory First { get; }

    public LiveTokenImFactory Second { get; }

    /// <summary>Starts both nodes with <paramref name="settings"/> over the defaults.</summary>
    public static TwoNodes Start(params (string Key, string Value)[] settings)
    {
        Assert.SkipWhen(s_redis is null, "TOKENIM_REDIS is not set (scripts/test.sh starts a Redis on loopback and sets it).");
        var first = new LiveTokenImFactory();
        first.Settings["TokenIM:Bus:Provider"] = "Redis";
        first.Settings["TokenIM:Bus:RedisConfiguration"] = s_redis;
        first.Settings["TokenIM:Bus:KeyPrefix"] = $"test-{Guid.NewGuid():N}";
        foreach (var (key, value) in settings)
            first.Settings[key] = value;
        _ = first.BaseUri; // the first node migrates the database and makes the signing key
        var second = first.SecondNode();
        _ = second.BaseUri;
        return new TwoNodes(first, second);
    }

    internal static RedisConnection RedisOf(LiveTokenImFactory node) => node.Services.GetRequiredService<RedisConnection>();

    /// <summary>A client of <paramref name="user"/> that talks to <paramref name="node"/>.</summary>
    public static HttpClient ClientOf(LiveTokenImFactory node, TestUser user) => new()
    {
        BaseAddress = node.BaseUri,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", user.Tokens.AccessToken) },
    };

    /// <summary>Waits (polling, bounded) until <paramref name="condition"/> holds: for state another process changes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"Timed out waiting until {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}
