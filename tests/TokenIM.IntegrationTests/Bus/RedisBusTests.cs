using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

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

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
            await _second.DisposeAsync();
        if (_first is not null)
            await _first.DisposeAsync();
    }
}
