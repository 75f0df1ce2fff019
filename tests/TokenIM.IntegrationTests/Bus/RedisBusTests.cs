using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.IntegrationTests.Bus;

/// <summary>
/// Two nodes over one database, joined by a real Redis (<c>TOKENIM_REDIS</c>, started by scripts/test.sh): what
/// happens on one node reaches the sockets of the other.
/// </summary>
public sealed class RedisBusTests : IAsyncLifetime
{
    private static readonly string? s_redis = Environment.GetEnvironmentVariable("TOKENIM_REDIS");
    private LiveTokenImFactory? _first;
    private LiveTokenImFactory? _second;

    private LiveTokenImFactory First => _first!;

    private LiveTokenImFactory Second => _second!;

    public ValueTask InitializeAsync()
    {
        Assert.SkipWhen(s_redis is null, "TOKENIM_REDIS is not set (scripts/test.sh starts a Redis on loopback and sets it).");
        _first = new LiveTokenImFactory();
        _first.Settings["TokenIM:Bus:Provider"] = "Redis";
        _first.Settings["TokenIM:Bus:RedisConfiguration"] = s_redis;
        _ = _first.BaseUri; // the first node migrates the database and makes the signing key
        _second = _first.SecondNode();
        _ = _second.BaseUri;
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Message_SentThroughOneNode_ReachesASocketOnTheOther()
    {
        var alice = await First.RegisterAsync();
        var bob = await First.RegisterAsync();
        var conversation = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        await using var bobOnSecond = await RawSocket.ReadyAsync(Second.BaseUri, bob.Tokens.AccessToken);

        var sent = await alice.SendOkAsync(conversation.Id, "across nodes 你好");

        var delivered = (await bobOnSecond.ReceiveOpAsync("message")).GetProperty("message");
        Assert.Equal(sent.Id, delivered.GetProperty("id").GetString());
        Assert.Equal("across nodes 你好", delivered.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SessionRevokedOnOneNode_ClosesItsSocketOnTheOther()
    {
        var bob = await First.RegisterAsync();
        await using var bobOnSecond = await RawSocket.ReadyAsync(Second.BaseUri, bob.Tokens.AccessToken);

        var logout = await bob.Client.PostAsync("/api/v1/auth/logout", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(CloseCodes.Unauthenticated, await bobOnSecond.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MemberRemovedThroughOneNode_GetsNothingSentThroughTheOther()
    {
        var alice = await First.RegisterAsync();
        var bob = await First.RegisterAsync();
        var carol = await First.RegisterAsync();
        var group = await alice.CreateGroupAsync("two nodes", bob, carol);
        await using var bobOnSecond = await RawSocket.ReadyAsync(Second.BaseUri, bob.Tokens.AccessToken);
        await using var carolOnSecond = await RawSocket.ReadyAsync(Second.BaseUri, carol.Tokens.AccessToken);
        using var aliceOnSecond = ClientOf(Second, alice);
        // Sent through the second node: its roster of the group is now in its cache.
        await SendAsync(aliceOnSecond, group.Id, "before");
        await bobOnSecond.ReceiveOpAsync("message");
        await carolOnSecond.ReceiveOpAsync("message");

        var removed = await alice.DeleteAsync($"/api/v1/conversations/{group.Id}/members/{bob.Id}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        // The removal's event reaches the second node after the cache drop the first node published before it.
        Assert.Equal(ConversationEvents.MemberRemoved, (await bobOnSecond.ReceiveOpAsync("conversation")).GetProperty("event").GetString());
        await SendAsync(aliceOnSecond, group.Id, "after");

        Assert.Equal("after", (await carolOnSecond.ReceiveOpAsync("message")).GetProperty("message").GetProperty("text").GetString());
        await bobOnSecond.ExpectQuietAsync(ignorePresence: true);
    }

    [Fact]
    public async Task SessionRevokedThroughOneNode_IsRefusedByTheOthersRestRoutes()
    {
        var bob = await First.RegisterAsync();
        using var bobOnSecond = ClientOf(Second, bob);
        Assert.Equal(HttpStatusCode.OK, (await bobOnSecond.GetAsync("/api/v1/users/me", TestContext.Current.CancellationToken)).StatusCode);
        await using var socketOnSecond = await RawSocket.ReadyAsync(Second.BaseUri, bob.Tokens.AccessToken);

        await bob.Client.PostAsync("/api/v1/auth/logout", null, TestContext.Current.CancellationToken);
        // The socket's close is the sign that the revocation has reached the second node.
        Assert.Equal(CloseCodes.Unauthenticated, await socketOnSecond.ReceiveCloseAsync());

        var refused = await bobOnSecond.GetAsync("/api/v1/users/me", TestContext.Current.CancellationToken);
        await refused.ReadProblemAsync(ErrorCode.SessionRevoked);
    }

    [Fact]
    public async Task TokenRefreshedOnOneNode_IsAcceptedByTheOtherAtOnce()
    {
        var bob = await First.RegisterAsync();
        using (var before = ClientOf(Second, bob))
        {
            // Twice: the first use of a pair marks it used and drops the entry; the second leaves it cached.
            for (var i = 0; i < 2; i++)
                Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/v1/users/me", TestContext.Current.CancellationToken)).StatusCode);
        }

        var refreshed = await (await bob.Client.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(bob.Tokens.RefreshToken))).ReadAsync<TokenResponse>();
        using var after = ClientOf(Second, bob with { Tokens = refreshed });

        // The second node cached the session at the old generation; a newer token makes it read the session again.
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/v1/users/me", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task RedisUnreachable_SendsAreStillAckedAndDeliveredOnTheirOwnNode()
    {
        // A node whose Redis is down from the start (nothing listens on the port).
        await using var node = new LiveTokenImFactory();
        node.Settings["TokenIM:Bus:Provider"] = "Redis";
        node.Settings["TokenIM:Bus:RedisConfiguration"] = $"127.0.0.1:{LiveTokenImFactory.FreePort()},connectTimeout=200";
        var alice = await node.RegisterAsync();
        var bob = await node.RegisterAsync();
        var conversation = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        await using var bobSocket = await RawSocket.ReadyAsync(node.BaseUri, bob.Tokens.AccessToken);

        for (var i = 0; i < 3; i++)
        {
            // A liveness bound, not a speed figure: a send must not wait on Redis (its default timeout is 5 s).
            var sent = await alice.SendOkAsync(conversation.Id, $"no redis {i}").WaitAsync(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
            Assert.Equal(sent.Id, (await bobSocket.ReceiveOpAsync("message")).GetProperty("message").GetProperty("id").GetString());
        }
    }

    private static HttpClient ClientOf(LiveTokenImFactory node, TestUser user) => new()
    {
        BaseAddress = node.BaseUri,
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Tokens.AccessToken) },
    };

    private static async Task SendAsync(HttpClient client, string conversationId, string text)
    {
        var response = await client.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new SendMessageRequest(Guid.NewGuid().ToString("N"), text));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
            await _second.DisposeAsync();
        if (_first is not null)
            await _first.DisposeAsync();
    }
}
