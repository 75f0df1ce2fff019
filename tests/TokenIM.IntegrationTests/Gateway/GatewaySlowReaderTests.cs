using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Delivery;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>A reader too slow for its outbox is closed with 4009; the server's memory for it stays bounded and the sender is not held up.</summary>
public sealed class GatewaySlowReaderTests
{
    private const int OutboxBytes = 64 * 1024;
    private const int MaxMessages = 2000;

    // 4,000 characters outside ASCII: each message event is about 24 KB on the wire (escaped as \uXXXX).
    private static readonly string s_text = new('中', 4000);

    [Fact]
    public async Task Deliver_ReaderStopsReading_Closed4009WithBoundedOutboxAndSenderUnaffected()
    {
        using var own = new LiveTokenImFactory();
        own.Settings["TokenIM:Gateway:OutboxBytes"] = $"{OutboxBytes}";
        var (flooder, slow, conversationId) = await own.PairAsync();
        var registry = own.Services.GetRequiredService<ConnectionRegistry>();
        await using var slowSocket = await own.OpenAsync(slow);
        await slowSocket.ExpectQuietAsync();
        await using var flooding = await own.OpenAsync(flooder);
        var slowConnection = Assert.IsType<Server.Gateway.Connection>(Assert.Single(registry.Get(slow.Id)));

        // The slow socket reads nothing from here on. One send at a time: a message's event is enqueued before its
        // ack, so after each ack no delivery is in flight and the queue sizes read are settled values.
        var sent = 0;
        long maxQueued = 0;
        while (!slowConnection.IsClosing && sent < MaxMessages)
        {
            sent++;
            await flooding.SendAckedAsync(conversationId, s_text, $"flood-{sent}", $"{sent}");
            foreach (var connection in registry.All().OfType<Server.Gateway.Connection>())
            {
                maxQueued = Math.Max(maxQueued, connection.QueuedBytes);
                Assert.InRange(connection.QueuedBytes, 0, OutboxBytes);
            }
        }

        Assert.True(slowConnection.IsClosing, $"The slow reader was not closed after {sent} messages");

        // The sender is unaffected: its socket answers and its next send is acked and stored.
        await flooding.ExpectQuietAsync();
        var last = await flooding.SendAckedAsync(conversationId, "after the overflow", "flood-last", "last");
        Assert.Equal(sent + 1, last.Long("seq"));
        Assert.Equal(sent + 1, (await flooder.GetConversationAsync(conversationId)).LastSeq);

        // Now the slow client reads: what the kernel buffered, then the close. The close frame could not get through before.
        var delivered = 0;
        int? code;
        while (true)
        {
            var (frame, closed) = await slowSocket.ReceiveFrameOrCloseAsync();
            if (frame is null)
            {
                code = closed;
                break;
            }

            delivered += frame.Value.Op() == "message" ? 1 : 0;
        }

        Assert.Equal(4009, code);
        Assert.True(delivered < sent, $"All {sent} messages were delivered: the outbox never overflowed");
        Assert.True(maxQueued > 0, "The outbox never held anything: the test did not exercise it");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"slow reader: outbox={OutboxBytes} sent={sent} delivered_before_4009={delivered} max_queued_bytes={maxQueued} " +
            $"event_bytes≈{JsonSerializer.SerializeToUtf8Bytes(s_text).Length}");

        // The reconnect path: a new socket gets the rest by seq (in pages that fit its outbox).
        await using var again = await own.OpenAsync(slow);
        await again.SendAsync(new { op = "sync", id = "resync", conversationId, afterSeq = sent - 1, limit = 2 });
        var synced = await again.ReceiveOpAsync("synced");
        Assert.Equal([sent, sent + 1], synced.GetProperty("messages").EnumerateArray().Select(m => (int)m.Long("seq")));
    }
}
