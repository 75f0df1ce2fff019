using System.Net.WebSockets;
using System.Text;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>What the server does with frames it cannot take: errors that keep the socket, and closes.</summary>
public sealed class GatewayFrameTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int MaxFrameBytes = 64 * 1024;

    private async Task<RawSocket> OpenAsync() => await factory.OpenAsync(await factory.RegisterAsync());

    /// <summary>A ping frame of exactly <paramref name="bytes"/> bytes of valid JSON, padded by an unknown member.</summary>
    private static byte[] PingOfSize(int bytes, string id)
    {
        var head = "{\"op\":\"ping\",\"id\":\"" + id + "\",\"pad\":\"";
        const string tail = "\"}";
        var frame = Encoding.UTF8.GetBytes(head + new string('a', bytes - head.Length - tail.Length) + tail);
        Assert.Equal(bytes, frame.Length);
        return frame;
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"op":"ping","id":"1\""")]
    [InlineData("{")]
    [InlineData("""{"op":"ping","id":"\ud800"}""")]
    [InlineData("""{"op":"\udc00","id":"1"}""")]
    public async Task Frame_MalformedJson_MalformedRequestAndSocketStaysUsable(string text)
    {
        await using var socket = await OpenAsync();

        await socket.SendTextAsync(text);

        await socket.ExpectErrorAsync("malformed_request", re: null);
        await socket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Frame_Empty_MalformedRequestAndTheNextFrameStandsAlone()
    {
        await using var socket = await OpenAsync();

        // The server waits with zero-byte reads: an empty frame must not run into the frame after it.
        await socket.SendTextAsync("");
        await socket.ExpectErrorAsync("malformed_request", re: null);
        await socket.SendTextAsync("""{"op":"ping","id":"after-empty"}""");

        var pong = await socket.ReceiveOpAsync("pong");
        Assert.Equal("after-empty", pong.GetProperty("re").GetString());
    }

    [Theory]
    [InlineData("""[{"op":"ping","id":"1"}]""")]
    [InlineData("\"ping\"")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("""{"id":"1"}""")]
    [InlineData("""{"op":7,"id":"1"}""")]
    [InlineData("""{"op":null,"id":"1"}""")]
    [InlineData("""{"op":["ping"],"id":"1"}""")]
    public async Task Frame_NotAnObjectWithStringOp_MalformedRequestWithoutRe(string text)
    {
        await using var socket = await OpenAsync();

        await socket.SendTextAsync(text);

        await socket.ExpectErrorAsync("malformed_request", re: null);
        await socket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Ping_WithoutId_PongWithoutRe()
    {
        await using var socket = await OpenAsync();

        await socket.SendTextAsync("""{"op":"ping"}""");

        var pong = await socket.ReceiveAsync();
        Assert.Equal("pong", pong.Op());
        Assert.False(pong.Has("re"), pong.GetRawText());
    }

    /// <summary>Found by the message fuzzer: ping reads no field but id, so a non-string id used to get a pong as if absent.</summary>
    [Theory]
    [InlineData("""{"op":"ping","id":[]}""")]
    [InlineData("""{"op":"ping","id":7}""")]
    [InlineData("""{"op":"ping","id":{"a":"b"}}""")]
    [InlineData("""{"op":"ping","id":true}""")]
    public async Task Ping_IdOfWrongType_MalformedRequestWithoutRe(string text)
    {
        await using var socket = await OpenAsync();

        await socket.SendTextAsync(text);

        await socket.ExpectErrorAsync("malformed_request", re: null);
        await socket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Frame_IdOver64Characters_MalformedRequest()
    {
        await using var socket = await OpenAsync();

        await socket.SendAsync(new { op = "ping", id = new string('i', 65) });

        await socket.ExpectErrorAsync("malformed_request", re: null);
        await socket.ExpectQuietAsync();
    }

    [Theory]
    [InlineData("pong")]
    [InlineData("PING")]
    [InlineData("message")]
    [InlineData("")]
    public async Task Frame_UnknownOp_UnknownOpWithRe(string op)
    {
        await using var socket = await OpenAsync();

        await socket.SendAsync(new { op, id = "u1" });

        await socket.ExpectErrorAsync("unknown_op", "u1");
        await socket.ExpectQuietAsync();
    }

    [Theory]
    [InlineData("""{"op":"send","id":"w1","conversationId":"{c}","clientMsgId":"m","text":42}""")]
    [InlineData("""{"op":"send","id":"w1","conversationId":["c"],"clientMsgId":"m","text":"hi"}""")]
    [InlineData("""{"op":"send","id":"w1","conversationId":"{c}","clientMsgId":{},"text":"hi"}""")]
    [InlineData("""{"op":"send","id":"w1","conversationId":"{c}","clientMsgId":"m","text":"\ud800"}""")]
    [InlineData("""{"op":"sync","id":"w1","conversationId":"{c}","afterSeq":"3"}""")]
    [InlineData("""{"op":"sync","id":"w1","conversationId":"{c}","afterSeq":0,"limit":"10"}""")]
    [InlineData("""{"op":"sync","id":"w1","conversationId":"{c}","afterSeq":1.5}""")]
    [InlineData("""{"op":"read","id":"w1","conversationId":"{c}","seq":"1"}""")]
    [InlineData("""{"op":"read","id":"w1","conversationId":"{c}","seq":true}""")]
    [InlineData("""{"op":"typing","id":"w1","conversationId":5}""")]
    [InlineData("""{"op":"refresh","id":"w1","token":17}""")]
    public async Task Frame_FieldOfWrongType_MalformedRequestWithRe(string text)
    {
        // A real conversation of the user's and one message in it, so the frame fails for its wrong type alone.
        var (a, _, conversationId) = await factory.PairAsync();
        await a.SendOkAsync(conversationId, "one message");
        await using var socket = await factory.OpenAsync(a);

        await socket.SendTextAsync(text.Replace("{c}", conversationId, StringComparison.Ordinal));

        // A read or typing that is wrongly accepted has no answer: the barrier's pong comes instead of the error.
        await socket.SendAsync(new { op = "ping", id = "after" });
        await socket.ExpectErrorAsync("malformed_request", "w1");
        var pong = await socket.ReceiveAsync();
        Assert.Equal(("pong", "after"), (pong.Op(), pong.Str("re")));
    }

    [Fact]
    public async Task Frame_Binary_Closes4000()
    {
        await using var socket = await OpenAsync();

        await socket.SendRawAsync(Encoding.UTF8.GetBytes("""{"op":"ping","id":"1"}"""), WebSocketMessageType.Binary);

        Assert.Equal(4000, await socket.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData(MaxFrameBytes + 1)]
    [InlineData(4 * MaxFrameBytes)]
    public async Task Frame_Over64KiB_Closes1009(int size)
    {
        await using var socket = await OpenAsync();

        await socket.SendRawAsync(PingOfSize(size, "big"));

        Assert.Equal(1009, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Frame_Over64KiBAcrossFragments_Closes1009()
    {
        await using var socket = await OpenAsync();
        var frame = PingOfSize(MaxFrameBytes + 1, "fragmented");

        // Each fragment is small; the limit is on the whole message, counted while it is read.
        for (var offset = 0; offset < frame.Length; offset += 16 * 1024)
        {
            var length = Math.Min(16 * 1024, frame.Length - offset);
            await socket.SendRawAsync(frame.AsMemory(offset, length), endOfMessage: offset + length == frame.Length);
        }

        Assert.Equal(1009, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Frame_Exactly64KiB_Answered()
    {
        await using var socket = await OpenAsync();

        await socket.SendRawAsync(PingOfSize(MaxFrameBytes, "exact"));

        var pong = await socket.ReceiveAsync();
        Assert.True(pong.Op() == "pong" && pong.Str("re") == "exact", pong.GetRawText());
        await socket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Frame_Exactly64KiBInFragments_Answered()
    {
        await using var socket = await OpenAsync();
        var frame = PingOfSize(MaxFrameBytes, "exact-fragments");

        await socket.SendRawAsync(frame.AsMemory(0, 1000), endOfMessage: false);
        await socket.SendRawAsync(frame.AsMemory(1000), endOfMessage: true);

        var pong = await socket.ReceiveAsync();
        Assert.Equal(("pong", "exact-fragments"), (pong.Op(), pong.Str("re")));
    }
}
