using System.Net.WebSockets;
using System.Text;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>A misbehaving socket costs only itself: other users' sockets keep their traffic, complete and in order.</summary>
public sealed class GatewayIsolationTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int Messages = 60;

    private async Task MisbehaveAsync(string how)
    {
        var user = await factory.RegisterAsync();
        if (how == "no-auth")
        {
            await using var anonymous = await RawSocket.ConnectAsync(factory.BaseUri);
            await anonymous.SendTextAsync("""{"op":"send","id":"1"}""");
            Assert.Equal(4001, await anonymous.ReceiveCloseAsync());
            return;
        }

        await using var socket = await factory.OpenAsync(user);
        switch (how)
        {
            case "garbage":
                for (var i = 0; i < 20; i++)
                    await socket.SendTextAsync("{{{ not json");
                for (var i = 0; i < 20; i++)
                    await socket.ExpectErrorAsync("malformed_request", null);
                break;
            case "unknown-ops":
                for (var i = 0; i < 20; i++)
                    await socket.SendAsync(new { op = $"op{i}", id = $"{i}" });
                for (var i = 0; i < 20; i++)
                    await socket.ExpectErrorAsync("unknown_op", $"{i}");
                break;
            case "binary":
                await socket.SendRawAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary);
                Assert.Equal(4000, await socket.ReceiveCloseAsync());
                break;
            default:
                await socket.SendRawAsync(Encoding.UTF8.GetBytes(new string(' ', 200_000)));
                Assert.Equal(1009, await socket.ReceiveCloseAsync());
                break;
        }
    }

    [Fact]
    public async Task Misbehaving_OtherSockets_PeerKeepsReceivingEveryMessageInOrder()
    {
        var (a, b, conversationId) = await factory.PairAsync();
        await using var sender = await factory.OpenAsync(a);
        await using var receiver = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(sender, receiver);

        // Pipelined: on one node a conversation's events go out in seq order and a socket's acks in commit order.
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i <= Messages; i++)
                await sender.SendAsync(new { op = "send", id = $"{i}", conversationId, clientMsgId = $"iso-{i}", text = $"message {i}" });
            for (var i = 1; i <= Messages; i++)
            {
                var ack = await sender.ReceiveAsync();
                Assert.Equal(("ack", $"{i}", (long)i), (ack.Op(), ack.Str("re"), ack.Long("seq")));
            }
        });
        var misbehaving = Task.WhenAll(new[] { "garbage", "unknown-ops", "binary", "oversized", "no-auth" }.Select(how => Task.Run(() => MisbehaveAsync(how))));

        for (var seq = 1; seq <= Messages; seq++)
        {
            var frame = await receiver.ReceiveAsync();
            Assert.Equal("message", frame.Op());
            var message = frame.GetProperty("message");
            Assert.Equal(((long)seq, $"message {seq}"), (message.Long("seq"), message.Str("text")));
        }

        await Task.WhenAll(sending, misbehaving);
        await receiver.ExpectQuietAsync();
        await sender.ExpectQuietAsync();
    }
}
