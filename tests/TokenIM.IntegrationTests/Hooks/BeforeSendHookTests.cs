using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TokenIM.Client;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Hooks;

/// <summary>
/// The before-send hook against a real receiver on 127.0.0.1: it can reject or rewrite on every send path (user REST,
/// socket, server API), it fails open or closed, its request verifies with a plain HMAC, and a resend is not asked about twice.
/// </summary>
public sealed class BeforeSendHookTests : IAsyncLifetime
{
    private const string Secret = "whsec_test-hook-secret-0123456789";
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    private HookReceiver _hook = null!;
    private LiveTokenImFactory _server = null!;

    public async ValueTask InitializeAsync() => _hook = await HookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        await _hook.DisposeAsync();
    }

    /// <summary>The chat server, with the hook configured; started.</summary>
    private LiveTokenImFactory Start(string failureMode = "open", string timeout = "00:00:02")
    {
        _server = new LiveTokenImFactory();
        _server.Settings["TokenIM:Hooks:BeforeSend:Url"] = _hook.Url;
        _server.Settings["TokenIM:Hooks:BeforeSend:Secret"] = Secret;
        _server.Settings["TokenIM:Hooks:BeforeSend:FailureMode"] = failureMode;
        _server.Settings["TokenIM:Hooks:BeforeSend:Timeout"] = timeout;
        _ = _server.BaseUri;
        return _server;
    }

    /// <summary>Rejects texts that contain "forbidden", allows the rest.</summary>
    private void RejectForbidden() => _hook.Answer = (body, _) => HookReceiver.Json(
        Encoding.UTF8.GetString(body).Contains("forbidden", StringComparison.Ordinal)
            ? """{"action":"reject","reason":"Not in this chat, please."}"""
            : """{"action":"allow"}""");

    /// <summary>Never answers: the request ends when the chat server gives up on it.</summary>
    private void NeverAnswer() => _hook.Answer = async (_, aborted) =>
    {
        await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
        return (200, """{"action":"allow"}""");
    };

    [Fact]
    public async Task Reject_UserRestSend_422MessageRejectedWithTheReason_NothingStoredSeqNotConsumed()
    {
        var factory = Start();
        RejectForbidden();
        var (alice, _, conversationId) = await factory.PairAsync();

        var refused = await (await alice.SendAsync(conversationId, "some forbidden words")).ReadProblemAsync(ErrorCode.MessageRejected);
        var allowed = await alice.SendOkAsync(conversationId, "kind words");

        Assert.Equal(422, refused.Status);
        Assert.Equal("Not in this chat, please.", refused.Detail);
        Assert.Equal(1, allowed.Seq);
        Assert.Equal(["kind words"], (await alice.PageAsync(conversationId)).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Reject_SocketSend_ErrorFrameMessageRejected_NextSendTakesSeq1()
    {
        var factory = Start();
        RejectForbidden();
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 91);
        var bob = await factory.RegisterAsync();
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.Id);
        await alice.ConnectAsync();

        var refused = await Assert.ThrowsAsync<TokenImApiException>(() => alice.Realtime.SendAsync(conversation.Id, "forbidden over the socket").WaitAsync(Timeout));
        var ack = await alice.Realtime.SendAsync(conversation.Id, "allowed over the socket").WaitAsync(Timeout);

        Assert.Equal(ErrorCode.MessageRejected.Code, refused.Code);
        Assert.Equal(1, ack.Seq);
        Assert.Equal(["allowed over the socket"], (await alice.StoredMessagesAsync(conversation.Id)).Select(m => m.Text));
    }

    [Fact]
    public async Task Rewrite_ServerApiSend_StoredAndDeliveredRewritten()
    {
        var factory = Start();
        _hook.Answer = (_, _) => HookReceiver.Json("""{"action":"rewrite","text":"[redacted]"}""");
        using var server = await factory.ServerClientAsync();
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 92);
        var bot = await server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("bot"), null, IsBot: true));
        var direct = await server.CreateConversationAsync(new(ConversationTypes.Direct, bot.Id, PeerId: bob.UserId));
        await bob.ConnectAsync();

        var sent = await server.SendMessageAsync(direct.Id, bot.Id, "rewrite-1", "my card number is 4111 1111 1111 1111");
        await bob.Log.WaitForAsync(direct.Id, 1, Timeout, "bob");

        Assert.Equal("[redacted]", sent.Text);
        Assert.Equal("[redacted]", Assert.Single(bob.Log.Of(direct.Id)).Text);
        Assert.Equal("[redacted]", Assert.Single((await server.GetMessagesAsync(direct.Id)).Messages).Text);
    }

    [Fact]
    public async Task Rewrite_ToATextBreakingTheRules_IsABadAnswer_FailOpenStoresTheOriginal()
    {
        var factory = Start();
        _hook.Answer = (_, _) => HookReceiver.Json("""{"action":"rewrite","text":"   "}""");
        var (alice, _, conversationId) = await factory.PairAsync();

        var stored = await alice.SendOkAsync(conversationId, "as sent");

        Assert.Equal("as sent", stored.Text);
        Assert.Single(_hook.Calls);
    }

    [Fact]
    public async Task Timeout_FailOpen_StoredAsSent()
    {
        var factory = Start(timeout: "00:00:00.200");
        NeverAnswer();
        var (alice, _, conversationId) = await factory.PairAsync();

        var stored = await alice.SendOkAsync(conversationId, "the hook is asleep");

        Assert.Equal((1L, "the hook is asleep"), (stored.Seq, stored.Text));
        Assert.Single(_hook.Calls);
    }

    [Fact]
    public async Task Timeout_FailClosed_503HookUnavailableRetryable_NothingStored()
    {
        var factory = Start(failureMode: "closed", timeout: "00:00:00.200");
        NeverAnswer();
        var (alice, _, conversationId) = await factory.PairAsync();

        var response = await alice.SendAsync(conversationId, "the hook is asleep");
        var problem = await response.ReadProblemAsync(ErrorCode.HookUnavailable);

        Assert.Equal(1000, problem.RetryAfterMs);
        Assert.Equal("1", response.Headers.RetryAfter!.ToString());
        Assert.Empty((await alice.PageAsync(conversationId)).Messages);
    }

    [Fact]
    public async Task ServerError_FailClosed_SocketSendGetsHookUnavailableErrorFrame()
    {
        var factory = Start(failureMode: "closed");
        _hook.Answer = (_, _) => Task.FromResult((500, """{"oops":true}"""));
        var (alice, _, conversationId) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(alice);
        await GatewayHelpers.SettleAsync(socket);

        await socket.SendAsync(new { op = "send", id = "s1", conversationId, clientMsgId = "closed-1", text = "hello?" });
        var error = await socket.ExpectErrorAsync(ErrorCode.HookUnavailable.Code, "s1");

        Assert.Equal(1000, error.Long("retryAfterMs"));
        Assert.Empty((await alice.PageAsync(conversationId)).Messages);
    }

    [Fact]
    public async Task HookRequest_SignatureVerifiesWithAPlainHmac_BodyNamesTheSend()
    {
        var factory = Start();
        var (alice, _, conversationId) = await factory.PairAsync();

        await alice.SendOkAsync(conversationId, "sign me", clientMsgId: "signed-1");

        var (body, header) = Assert.Single(_hook.Calls);
        var parts = header!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash([.. Encoding.UTF8.GetBytes(parts["t"] + "."), .. body]));
        Assert.Equal(expected, parts["v1"]);
        Assert.InRange(long.Parse(parts["t"], CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(
            (conversationId, alice.Id, "signed-1", "sign me"),
            (root.GetProperty("conversationId").GetString(), root.GetProperty("senderId").GetString(), root.GetProperty("clientMsgId").GetString(), root.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task RepeatedClientMsgId_OfAStoredMessage_HookNotCalledAgain()
    {
        var factory = Start();
        var (alice, _, conversationId) = await factory.PairAsync();

        var first = await alice.SendAsync(conversationId, "once", clientMsgId: "repeat-1");
        var again = await alice.SendAsync(conversationId, "once", clientMsgId: "repeat-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(_hook.Calls);
    }
}
