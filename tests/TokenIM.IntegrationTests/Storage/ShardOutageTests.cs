using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TokenIM.Client;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>
/// One shard of two is cut off (its connections reset and refused, through a <see cref="TcpFaultProxy"/>): requests
/// for its conversations get <c>503 store_unavailable</c> and write nothing, the other shard's keep working, and once
/// it is back a resend with the same clientMsgId is stored once.
/// </summary>
public sealed class ShardOutageTests : IAsyncLifetime
{
    private PostgresDatabases? _databases;
    private TcpFaultProxy? _proxy;
    private LiveTokenImFactory? _factory;

    private LiveTokenImFactory Factory => _factory!;

    private TcpFaultProxy Proxy => _proxy!;

    public async ValueTask InitializeAsync()
    {
        PostgresDatabases.SkipUnlessConfigured();
        _databases = await PostgresDatabases.CreateAsync(3, TestContext.Current.CancellationToken);
        var shard1 = new NpgsqlConnectionStringBuilder(_databases.ConnectionStrings[2]);
        _proxy = new TcpFaultProxy(new IPEndPoint(IPAddress.Loopback, shard1.Port));
        // Through the proxy, without pooling: every open crosses it, so a cut is seen by the next request at once.
        shard1.Port = _proxy.Port;
        shard1.Pooling = false;
        shard1.Timeout = 3;
        _factory = new LiveTokenImFactory().UsePostgres(_databases.ConnectionStrings[0], [_databases.ConnectionStrings[1], shard1.ConnectionString]);
        // Tried again on every request, so the test needs no wait once the shard is back.
        _factory.Settings["TokenIM:Storage:Postgres:RetryUnavailableAfter"] = "00:00:00";
        _ = _factory.BaseUri;
    }

    [Fact]
    public async Task SendToACutShard_Is503AndWritesNothing_WhileTheOtherShardWorks()
    {
        var (alice, onShard0, onShard1) = await ConversationsOnBothShardsAsync();

        Proxy.Cut();
        var refused = await alice.SendAsync(onShard1.Id, "while down", "outage-1");
        var accepted = await alice.SendAsync(onShard0.Id, "still fine", "outage-2");
        var history = await alice.GetAsync($"/api/v1/conversations/{onShard1.Id}/messages");

        var problem = await refused.ReadProblemAsync(ErrorCode.StoreUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(problem.RetryAfterMs);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await history.ReadProblemAsync(ErrorCode.StoreUnavailable);

        Proxy.Restore();
        var resent = await alice.SendAsync(onShard1.Id, "while down", "outage-1");
        var stored = await resent.ReadAsync<MessageDto>(HttpStatusCode.Created);
        Assert.Equal(1, stored.Seq);
        var page = await alice.PageAsync(onShard1.Id);
        Assert.Equal(["while down"], page.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task SocketSendToACutShard_GetsAnErrorFrame_AndTheSocketCarriesOn()
    {
        var (alice, onShard0, onShard1) = await ConversationsOnBothShardsAsync();
        await using var socket = await RawSocket.ReadyAsync(Factory.BaseUri, alice.Tokens.AccessToken);

        Proxy.Cut();
        await socket.SendAsync(new { op = "send", id = "s1", conversationId = onShard1.Id, clientMsgId = "ws-1", text = "down" });
        var error = await socket.ReceiveOpAsync("error");
        await socket.SendAsync(new { op = "send", id = "s2", conversationId = onShard0.Id, clientMsgId = "ws-2", text = "up" });
        var ack = await socket.ReceiveOpAsync("ack");

        Assert.Equal("s1", error.GetProperty("re").GetString());
        Assert.Equal(ErrorCode.StoreUnavailable.Code, error.GetProperty("code").GetString());
        Assert.Equal("s2", ack.GetProperty("re").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        Proxy.Restore();
    }

    [Fact]
    public async Task SdkSendToACutShard_IsDeferredAndResentByItself_StoredOnceWhenTheShardIsBack()
    {
        var (alice, _, onShard1) = await ConversationsOnBothShardsAsync();
        await using var device = await SdkDevice.LoginAsync(Factory, alice.Username, seed: 1);
        await device.ConnectAsync();
        var deferred = new TaskCompletionSource<TokenImApiException>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Realtime.SendDeferred += (_, e) => deferred.TrySetResult(e);

        Proxy.Cut();
        var send = device.Realtime.SendAsync(onShard1.Id, "while down", "sdk-outage-1");
        var refusal = await deferred.Task.WaitAsync(SdkDevice.Timeout);
        Assert.Equal(ErrorCode.StoreUnavailable.Code, refusal.Code);
        Assert.False(send.IsCompleted);
        Proxy.Restore();
        var ack = await send.WaitAsync(SdkDevice.Timeout);

        Assert.Equal(1, ack.Seq);
        var page = await alice.PageAsync(onShard1.Id);
        Assert.Equal(["while down"], page.Messages.Select(m => m.Text));
    }

    /// <summary>Alice and direct conversations with new users until she has one on each shard.</summary>
    private async Task<(TestUser Alice, ConversationDto OnShard0, ConversationDto OnShard1)> ConversationsOnBothShardsAsync()
    {
        var shards = Factory.Services.GetRequiredService<StoreShards>();
        var alice = await Factory.RegisterAsync();
        ConversationDto? onShard0 = null, onShard1 = null;
        while (onShard0 is null || onShard1 is null)
        {
            var peer = await Factory.RegisterAsync();
            var conversation = await (await alice.CreateDirectAsync(peer.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
            if (shards.IndexOf(conversation.Id) == 0)
                onShard0 ??= conversation;
            else
                onShard1 ??= conversation;
        }

        return (alice, onShard0, onShard1);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        if (_proxy is not null)
            await _proxy.DisposeAsync();
        if (_databases is not null)
            await _databases.DisposeAsync();
    }
}
