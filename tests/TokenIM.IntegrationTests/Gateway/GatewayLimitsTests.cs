using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>Sockets per user and the send rate limit on the socket; each test runs its own server with the limit lowered.</summary>
public sealed class GatewayLimitsTests
{
    private static LiveTokenImFactory RateLimited(int maxRefusedSends)
    {
        var own = new LiveTokenImFactory();
        own.Settings["TokenIM:RateLimits:Enabled"] = "true";
        own.Settings["TokenIM:RateLimits:MessagesPerUserPerSecond"] = "1";
        own.Settings["TokenIM:Gateway:MaxRefusedSends"] = $"{maxRefusedSends}";
        return own;
    }

    [Fact]
    public async Task Connect_OverSocketsPerUser_TooManyConnectionsThen4008()
    {
        using var own = new LiveTokenImFactory();
        own.Settings["TokenIM:Limits:SocketsPerUser"] = "2";
        var (a, b, _) = await own.PairAsync();
        await using var first = await own.OpenAsync(a);
        await using var second = await own.OpenAsync(a);

        await using var third = await RawSocket.ConnectAsync(own.BaseUri, a.Tokens.AccessToken);

        await third.ExpectErrorAsync("too_many_connections", re: null);
        Assert.Equal(4008, await third.ReceiveCloseAsync());
        // The limit is per user, and the sockets within it are untouched.
        await using var other = await own.OpenAsync(b);
        await GatewayHelpers.SettleAsync(first, second, other);
        await first.ExpectQuietAsync();
        await second.ExpectQuietAsync();
    }

    [Fact]
    public async Task Connect_OverSocketsPerUserWithAuthFrame_TooManyConnectionsThen4008()
    {
        using var own = new LiveTokenImFactory();
        own.Settings["TokenIM:Limits:SocketsPerUser"] = "1";
        _ = own.BaseUri;
        var a = await own.RegisterAsync();
        await using var first = await own.OpenAsync(a);

        await using var second = await RawSocket.ConnectAsync(own.BaseUri);
        await second.SendAsync(new { op = "auth", token = a.Tokens.AccessToken });

        await second.ExpectErrorAsync("too_many_connections", re: null);
        Assert.Equal(4008, await second.ReceiveCloseAsync());
        await first.ExpectQuietAsync();
    }

    [Fact]
    public async Task Send_OverRateLimit_RateLimitedWithRetryAfterThen4008AfterMaxRefusals()
    {
        // One send a second with bursts of two; the third refusal in a row closes the socket.
        using var own = RateLimited(maxRefusedSends: 3);
        var (a, _, conversationId) = await own.PairAsync();
        await using var socket = await own.OpenAsync(a);

        for (var i = 1; i <= 5; i++)
            await socket.SendAsync(new { op = "send", id = $"{i}", conversationId, clientMsgId = $"rl-{i}", text = $"message {i}" });

        var refused = new List<string>();
        var acked = new List<string>();
        int? closed;
        while (true)
        {
            var (frame, code) = await socket.ReceiveFrameOrCloseAsync();
            if (frame is not { } f)
            {
                closed = code;
                break;
            }

            if (f.Op() == "ack")
            {
                acked.Add(f.Str("re")!);
                continue;
            }

            Assert.True(f.Op() == "error" && f.Str("code") == "rate_limited", f.GetRawText());
            Assert.InRange(f.Long("retryAfterMs"), 1, 1000);
            refused.Add(f.Str("re")!);
        }

        Assert.Equal(["3", "4", "5"], refused);
        Assert.Equal(4008, closed);
        // The first two were taken. Their acks race the close (they follow the commit, the refusals do not): a client
        // that misses one resends after reconnecting and gets the original.
        Assert.Subset(new HashSet<string> { "1", "2" }, acked.ToHashSet());
    }

    [Fact]
    public async Task Send_BucketSharedWithRest_SocketSendRefusedAfterRestSends()
    {
        using var own = RateLimited(maxRefusedSends: 50);
        var (a, _, conversationId) = await own.PairAsync();
        await using var socket = await own.OpenAsync(a);
        Assert.Equal(HttpStatusCode.Created, (await a.SendAsync(conversationId, "rest 1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await a.SendAsync(conversationId, "rest 2")).StatusCode);

        await socket.SendAsync(new { op = "send", id = "ws", conversationId, clientMsgId = "ws-1", text = "over the socket" });

        var error = await socket.ReceiveOpAsync("error");
        Assert.Equal(("rate_limited", "ws"), (error.Str("code"), error.Str("re")));
        Assert.True(error.Long("retryAfterMs") > 0);
        // One refusal is far from the limit of refusals: the socket stays.
        await socket.ExpectQuietAsync();
    }
}
