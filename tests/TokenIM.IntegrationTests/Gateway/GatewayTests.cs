using System.Net;
using System.Net.WebSockets;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Gateway;

public sealed class GatewayTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private async Task<(TestUser A, TestUser B, string ConversationId)> PairAsync()
    {
        _ = factory.BaseUri;
        var a = await factory.RegisterAsync();
        var b = await factory.RegisterAsync();
        var conversation = await (await a.Client.PostJsonAsync("/api/v1/conversations", new CreateConversationRequest("direct", b.Id))).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        return (a, b, conversation.Id);
    }

    [Fact]
    public async Task HeaderAuth_SendIsAckedAndDeliveredToThePeer()
    {
        var (a, b, conversationId) = await PairAsync();
        await using var socketA = await RawSocket.ReadyAsync(factory.BaseUri, a.Tokens.AccessToken);
        await using var socketB = await RawSocket.ReadyAsync(factory.BaseUri, b.Tokens.AccessToken);

        await socketA.SendAsync(new { op = "send", id = "1", conversationId, clientMsgId = "m-1", text = "hello" });
        var ack = await socketA.ReceiveOpAsync("ack");
        var message = await socketB.ReceiveOpAsync("message");

        Assert.Equal("1", ack.GetProperty("re").GetString());
        Assert.Equal(1, ack.GetProperty("seq").GetInt64());
        Assert.Equal("hello", message.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal(ack.GetProperty("messageId").GetString(), message.GetProperty("message").GetProperty("id").GetString());
    }

    [Fact]
    public async Task AuthFrame_ThenReady()
    {
        var (a, _, _) = await PairAsync();
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);

        await socket.SendAsync(new { op = "auth", token = a.Tokens.AccessToken });
        var ready = await socket.ReceiveAsync();

        Assert.Equal("ready", ready.GetProperty("op").GetString());
        Assert.Equal(a.Id, ready.GetProperty("userId").GetString());
        Assert.Equal(a.Tokens.SessionId, ready.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task QueryStringToken_IsRefusedBeforeUpgrade()
    {
        var (a, _, _) = await PairAsync();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => RawSocket.ConnectAsync(factory.BaseUri, query: $"access_token={a.Tokens.AccessToken}"));

        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForeignOrigin_IsRefusedWith403()
    {
        var (a, _, _) = await PairAsync();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => RawSocket.ConnectAsync(factory.BaseUri, a.Tokens.AccessToken, origin: "https://evil.example"));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }
}
