using System.Net;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>Per-key request limits and the last-used time, each on a server of its own settings.</summary>
public sealed class ServerApiLimitsTests
{
    [Fact]
    public async Task RateLimit_KeyOverItsBudget_Is429_OtherKeysUnaffected()
    {
        await using var factory = new TokenImFactory();
        factory.Settings["TokenIM:RateLimits:Enabled"] = "true";
        factory.Settings["TokenIM:RateLimits:ServerApiRequestsPerKeyPerMinute"] = "2";
        var busy = factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.ApiKeysManage));
        var quiet = factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.ApiKeysManage));

        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync($"{ServerApiHelpers.Base}/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync($"{ServerApiHelpers.Base}/api-keys")).StatusCode);
        var refused = await busy.GetAsync($"{ServerApiHelpers.Base}/api-keys");

        await refused.ReadProblemAsync(ErrorCode.RateLimited);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync($"{ServerApiHelpers.Base}/api-keys")).StatusCode);
    }

    [Fact]
    public async Task LastUsed_WrittenOnFirstUse_ThenAtMostOnceAMinute()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        await using var factory = new TokenImFactory { Clock = clock };
        using var admin = await factory.ServerClientAsync(ServerScopes.ApiKeysManage);
        var created = await admin.CreateApiKeyAsync("watched", [ServerScopes.UsersRead]);
        var watched = factory.ClientWith(created.Token);
        async Task<DateTimeOffset?> LastUsedAsync() => (await admin.ListApiKeysAsync()).Single(k => k.Id == created.Key.Id).LastUsedAt;
        Assert.Null(await LastUsedAsync());

        await watched.GetAsync($"{ServerApiHelpers.Base}/users/nobody");
        var first = clock.GetUtcNow();
        Assert.Equal(first, await LastUsedAsync());
        clock.Advance(TimeSpan.FromSeconds(59));
        await watched.GetAsync($"{ServerApiHelpers.Base}/users/nobody");
        Assert.Equal(first, await LastUsedAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        await watched.GetAsync($"{ServerApiHelpers.Base}/users/nobody");

        Assert.Equal(clock.GetUtcNow(), await LastUsedAsync());
    }
}
