using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>Rotation on demand: new tokens carry the new kid, nobody is signed out, the old key leaves only when its tokens have expired.</summary>
public sealed class ServerSigningKeysTests
{
    internal static string KidOf(string jwt)
    {
        var header = Base64Url.DecodeFromChars(jwt.AsSpan(0, jwt.IndexOf('.', StringComparison.Ordinal)));
        using var json = JsonDocument.Parse(header);
        return json.RootElement.GetProperty("kid").GetString()!;
    }

    internal static async Task<string[]> JwksKidsAsync(HttpClient client)
    {
        using var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<HttpStatusCode> MeStatusAsync(TokenImFactory node, string accessToken) =>
        (await node.ClientWith(accessToken).GetAsync("/api/v1/users/me", TestContext.Current.CancellationToken)).StatusCode;

    [Fact]
    public async Task Rotate_OneNode_NewTokensCarryTheNewKidOldTokensStillWork()
    {
        await using var factory = new TokenImFactory();
        using var server = await factory.ServerClientAsync(ServerScopes.SigningKeysManage, ServerScopes.UsersWrite, ServerScopes.TokensMint);
        var user = await server.CreateUserAsync(factory);
        var before = Assert.Single(await server.ListSigningKeysAsync());
        var oldToken = (await server.MintTokenAsync(user.Id)).AccessToken;
        Assert.True(before.Current);
        Assert.Equal(before.Kid, KidOf(oldToken));

        var keys = await server.RotateSigningKeyAsync();

        Assert.Equal(2, keys.Count);
        var (old, current) = (keys[0], keys[1]);
        Assert.Equal(before.Kid, old.Kid);
        Assert.False(old.Current);
        Assert.True(current.Current);
        Assert.NotEqual(old.Kid, current.Kid);
        Assert.Equal(current.CreatedAt, old.SupersededAt);
        // Retires one token lifetime (15 minutes by default) plus a minute of slack after it stopped signing.
        Assert.Equal(old.SupersededAt + TimeSpan.FromMinutes(16), old.RetiresAt);
        Assert.Null(current.RetiresAt);
        Assert.Equal(current.Kid, KidOf((await server.MintTokenAsync(user.Id)).AccessToken));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(factory, oldToken));
        Assert.Equal([old.Kid, current.Kid], await JwksKidsAsync(factory.CreateClient()));
        Assert.Equal(keys, await server.ListSigningKeysAsync());
    }

    [Fact]
    public async Task Rotate_TwiceWithinASecond_EachTimeANewerCurrentKey()
    {
        await using var factory = new TokenImFactory();
        using var server = await factory.ServerClientAsync(ServerScopes.SigningKeysManage);

        await server.RotateSigningKeyAsync();
        var keys = await server.RotateSigningKeyAsync();

        Assert.Equal(3, keys.Count);
        Assert.Equal(keys.OrderBy(k => k.CreatedAt).Select(k => k.Kid), keys.Select(k => k.Kid));
        Assert.Equal(3, keys.Select(k => k.CreatedAt).Distinct().Count());
        Assert.Equal([false, false, true], keys.Select(k => k.Current));
    }

    [Fact]
    public async Task Rotate_TenKeysPublished_Is409TooManySigningKeysUntilOneRetires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new TokenImFactory { Clock = clock };
        using var server = await factory.ServerClientAsync(ServerScopes.SigningKeysManage);
        for (var i = 1; i < SigningKeyRotation.MaxPublishedKeys; i++)
            await server.RotateSigningKeyAsync();

        var refused = await Assert.ThrowsAsync<TokenImApiException>(() => server.RotateSigningKeyAsync());

        Assert.Equal(ErrorCode.TooManySigningKeys.Code, refused.Code);
        Assert.Equal(SigningKeyRotation.MaxPublishedKeys, (await server.ListSigningKeysAsync()).Count);
        clock.Advance(TimeSpan.FromMinutes(17));
        // No housekeeping ran: the rotation retires the keys whose tokens have all expired.
        var after = await server.RotateSigningKeyAsync();
        Assert.Equal(2, after.Count);
        Assert.True(after[^1].Current);
    }

    [Fact]
    public async Task Rotate_OldKeyStaysUntilItsTokensExpired_ThenLeavesTheJwks()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new TokenImFactory { Clock = clock };
        using var server = await factory.ServerClientAsync(ServerScopes.SigningKeysManage, ServerScopes.UsersWrite, ServerScopes.TokensMint);
        var user = await server.CreateUserAsync(factory);
        var oldToken = (await server.MintTokenAsync(user.Id)).AccessToken;
        var keys = factory.Services.GetRequiredService<SigningKeys>();

        await server.RotateSigningKeyAsync();
        clock.Advance(TimeSpan.FromMinutes(14));
        keys.LoadOrRotate();

        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(factory, oldToken));
        Assert.Equal(2, (await server.ListSigningKeysAsync()).Count);

        clock.Advance(TimeSpan.FromMinutes(3));
        keys.LoadOrRotate();

        Assert.Single(await server.ListSigningKeysAsync());
        Assert.Single(await JwksKidsAsync(factory.CreateClient()));
    }

    [Fact]
    public async Task Rotate_TwoNodes_OtherNodeAcceptsTheNewKeyAtOnceAndSignsWithIt()
    {
        await using var nodes = TwoNodes.Start();
        using var first = await nodes.First.ServerClientAsync();
        using var second = new TokenImServerClient(new HttpClient { BaseAddress = nodes.Second.BaseUri }, await nodes.First.CreateKeyAsync([.. ServerScopes.All]));
        var user = await first.CreateUserAsync(nodes.First);
        var oldToken = (await second.MintTokenAsync(user.Id)).AccessToken;

        var rotated = (await first.RotateSigningKeyAsync())[^1].Kid;

        // Nothing with the new kid reaches the second node first: left alone, it would sign with the old key for up to a minute.
        await TwoNodes.WaitUntilAsync(
            async () => KidOf((await second.MintTokenAsync(user.Id)).AccessToken) == rotated,
            "the second node signs with the rotated key");
        var fromFirst = (await first.MintTokenAsync(user.Id)).AccessToken;
        Assert.Equal(rotated, KidOf(fromFirst));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(nodes.Second, fromFirst));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(nodes.Second, oldToken));
        Assert.Equal(rotated, (await second.ListSigningKeysAsync())[^1].Kid);
        Assert.Contains(rotated, await JwksKidsAsync(new HttpClient { BaseAddress = nodes.Second.BaseUri }));
    }
}
