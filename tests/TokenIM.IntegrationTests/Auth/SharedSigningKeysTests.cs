using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.IntegrationTests.Auth;

/// <summary>Nodes behind one load balancer share <c>TokenIM:Tokens:KeyDirectory</c>: a token from any node works on every node.</summary>
public sealed class SharedSigningKeysTests : IDisposable
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "tokenim-tests", "keys-" + Guid.NewGuid().ToString("N"));

    private LiveTokenImFactory FirstNode()
    {
        var node = new LiveTokenImFactory();
        node.Settings["TokenIM:Tokens:KeyDirectory"] = _keys;
        return node;
    }

    private static async Task<HttpStatusCode> MeStatusAsync(LiveTokenImFactory node, TestUser user) =>
        (await node.ClientWith(user.Tokens.AccessToken).GetAsync("/api/v1/users/me", TestContext.Current.CancellationToken)).StatusCode;

    private static async Task<string[]> JwksKidsAsync(LiveTokenImFactory node)
    {
        using var jwks = JsonDocument.Parse(await node.CreateClient().GetStringAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    [Fact]
    public async Task TwoNodes_SharedKeyDirectory_AcceptEachOthersTokens()
    {
        await using var node1 = FirstNode();
        _ = node1.BaseUri;
        await using var node2 = node1.SecondNode();
        _ = node2.BaseUri;

        var alice = await node1.RegisterAsync();
        var bob = await node2.RegisterAsync(node1.NextUsername());

        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(node2, alice));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(node1, bob));
        Assert.Single(Directory.GetFiles(_keys, "*.pem"));
        Assert.False(Directory.Exists(Path.Combine(node1.DataDirectory, "keys")), "The keys belong in TokenIM:Tokens:KeyDirectory, not the data directory.");
    }

    [Fact]
    public async Task KeyRotatedByOneNode_AcceptedByTheOtherAtOnce()
    {
        // A key two hours old: due for a node that rotates hourly, not for one that rotates every 90 days (the default).
        var twoHoursAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var seed = new SigningKeys(Options.Create(new TokenImOptions { Tokens = { KeyDirectory = _keys } }), twoHoursAgo, NullLogger<SigningKeys>.Instance);
        seed.LoadOrRotate();
        await using var first = FirstNode();
        _ = first.BaseUri;
        await using var other = first.SecondNode();
        _ = other.BaseUri;
        Assert.Equal([seed.Current.KeyId], await JwksKidsAsync(other));

        await using var rotating = first.SecondNode();
        rotating.Settings["TokenIM:Tokens:SigningKeyRotation"] = "01:00:00";
        _ = rotating.BaseUri; // starts, finds the key due, makes a new one
        var alice = await rotating.RegisterAsync();

        Assert.Equal(2, Directory.GetFiles(_keys, "*.pem").Length);
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(other, alice));
        Assert.Equal(2, (await JwksKidsAsync(other)).Length);
    }

    public void Dispose()
    {
        if (Directory.Exists(_keys))
            Directory.Delete(_keys, recursive: true);
    }
}
