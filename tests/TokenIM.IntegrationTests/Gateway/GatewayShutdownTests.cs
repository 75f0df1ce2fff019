using System.Diagnostics;
using System.Net.WebSockets;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>Graceful shutdown: every open socket is closed with 1001.</summary>
public sealed class GatewayShutdownTests
{
    /// <summary>Waits for the close, answers it as any client does (so the server need not wait for us), and returns its code.</summary>
    private static async Task<int?> CloseOf(RawSocket socket)
    {
        var code = await socket.ReceiveCloseAsync();
        if (socket.Socket.State == WebSocketState.CloseReceived)
            await socket.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return code;
    }

    [Fact]
    public async Task Dispose_GracefulStop_AuthenticatedSocketsClosed1001()
    {
        var own = new LiveTokenImFactory();
        var (a, b, conversationId) = await own.PairAsync();
        await using var socketA = await own.OpenAsync(a);
        await using var socketB = await own.OpenAsync(b);
        await GatewayHelpers.SettleAsync(socketA, socketB);
        await socketA.SendAckedAsync(conversationId, "before the stop", "stop-1", "1");
        var clock = Stopwatch.StartNew();

        var stopping = Task.Run(own.Dispose);

        Assert.Equal([1001, 1001], await Task.WhenAll(CloseOf(socketA), CloseOf(socketB)));
        var closedAfter = clock.ElapsedMilliseconds;
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        TestContext.Current.TestOutputHelper?.WriteLine($"shutdown: sockets=2 closed_after_ms={closedAfter} stopped_after_ms={clock.ElapsedMilliseconds}");
    }

    [Fact]
    public async Task Dispose_GracefulStop_SocketNotYetAuthenticatedClosed1001()
    {
        var own = new LiveTokenImFactory();
        // Shorter than the default 10 s, so that a server which waits for the timeout fails this test sooner.
        own.Settings["TokenIM:Gateway:AuthTimeout"] = "00:00:06";
        await using var pending = await RawSocket.ConnectAsync(own.BaseUri);
        var clock = Stopwatch.StartNew();

        var stopping = Task.Run(own.Dispose);

        // The socket is still within its time to authenticate. The server is going away: 1001 tells the client to
        // reconnect elsewhere at once (a 4001 would send it to refresh its tokens first).
        var code = await CloseOf(pending);
        var closedAfter = clock.Elapsed;
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        TestContext.Current.TestOutputHelper?.WriteLine($"shutdown (unauthenticated): code={code} closed_after_ms={(long)closedAfter.TotalMilliseconds} stopped_after_ms={clock.ElapsedMilliseconds}");
        Assert.Equal(1001, code);
        Assert.True(closedAfter < TimeSpan.FromSeconds(3), $"Closed only after {closedAfter}");
    }

    [Fact]
    public async Task Dispose_SendsInFlight_CommittedExactlyTheAckedOnes()
    {
        const int Sends = 500;
        var own = new LiveTokenImFactory();
        var (a, _, conversationId) = await own.PairAsync();
        var restarted = own.Restarted();
        await using var socket = await own.OpenAsync(a);

        for (var i = 1; i <= Sends; i++)
            await socket.SendAsync(new { op = "send", id = $"{i}", conversationId, clientMsgId = $"inflight-{i}", text = $"message {i}" });
        // Stop once the first ack is in: the server is then busy with the others.
        var first = await socket.ReceiveOpAsync("ack");
        var stopping = Task.Run(own.Dispose);
        var acked = new Dictionary<string, long> { [first.Str("clientMsgId")!] = first.Long("seq") };
        int? code;
        while (true)
        {
            var (frame, closed) = await socket.ReceiveFrameOrCloseAsync();
            if (frame is not { } f)
            {
                code = closed;
                await socket.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                break;
            }

            if (f.Op() == "ack")
                acked[f.Str("clientMsgId")!] = f.Long("seq");
        }

        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1001, code);

        using (restarted)
        {
            _ = restarted.BaseUri;
            var client = restarted.ClientWith(a.Tokens.AccessToken);
            var stored = new Dictionary<string, long>();
            for (var more = true; more;)
            {
                var response = await client.GetAsync($"/api/v1/conversations/{conversationId}/messages?limit=100&afterSeq={stored.Count}");
                var page = await response.ReadAsync<Protocol.Rest.MessagePage>();
                foreach (var message in page.Messages)
                    stored[message.ClientMsgId] = message.Seq;
                more = page.HasMore;
            }

            var unacked = stored.Keys.Where(k => !acked.ContainsKey(k)).ToList();
            TestContext.Current.TestOutputHelper?.WriteLine($"shutdown (in flight): sent={Sends} acked={acked.Count} stored={stored.Count} stored_unacked={unacked.Count}");
            foreach (var (clientMsgId, seq) in acked)
                Assert.True(stored.TryGetValue(clientMsgId, out var storedSeq) && storedSeq == seq, $"{clientMsgId} was acked with seq {seq} but is not stored so");
            // The other half of the promise: a send the server took and committed is acked before the 1001.
            Assert.True(unacked.Count == 0, $"{unacked.Count} sends were committed but never acked before the 1001, e.g. {string.Join(", ", unacked.Take(3))}");
        }
    }
}
