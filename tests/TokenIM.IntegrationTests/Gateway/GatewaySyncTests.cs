using System.Text.Json;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>The <c>sync</c> op: the messages above <c>afterSeq</c>, ascending, <c>limit</c> 1–300 (default 100), <c>hasMore</c>.</summary>
public sealed class GatewaySyncTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    /// <summary>A conversation holding <paramref name="count"/> messages (by default "message 1" …), sent pipelined over the socket.</summary>
    private async Task<(RawSocket Socket, string ConversationId)> SeedAsync(int count, string? text = null)
    {
        var (a, _, conversationId) = await factory.PairAsync();
        var socket = await factory.OpenAsync(a);
        for (var i = 1; i <= count; i++)
            await socket.SendAsync(new { op = "send", id = $"seed-{i}", conversationId, clientMsgId = $"seed-{i}", text = text ?? $"message {i}" });
        var acked = 0;
        while (acked < count)
        {
            var frame = await socket.ReceiveAsync();
            Assert.True(frame.Op() is "ack" or "presence", frame.GetRawText());
            if (frame.Op() == "ack")
                acked++;
        }

        return (socket, conversationId);
    }

    /// <summary>Syncs; returns the seqs received as "1,2,3" and hasMore.</summary>
    private static async Task<(string Seqs, bool HasMore)> SyncAsync(RawSocket socket, string conversationId, long afterSeq, int? limit)
    {
        await socket.SendAsync(limit is null
            ? (object)new { op = "sync", id = "sync", conversationId, afterSeq }
            : new { op = "sync", id = "sync", conversationId, afterSeq, limit });
        var synced = await socket.ReceiveAsync();
        Assert.True(synced.Op() == "synced", synced.GetRawText());
        Assert.Equal(("sync", conversationId), (synced.Str("re"), synced.Str("conversationId")));
        var messages = synced.GetProperty("messages").EnumerateArray().ToArray();
        foreach (var message in messages)
            Assert.Equal($"message {message.Long("seq")}", message.Str("text"));
        return (string.Join(',', messages.Select(m => m.Long("seq"))), synced.GetProperty("hasMore").GetBoolean());
    }

    private static string Range(int from, int to) => string.Join(',', Enumerable.Range(from, to - from + 1));

    [Fact]
    public async Task Sync_AfterSeq_MessagesAboveItAscending()
    {
        var (socket, conversationId) = await SeedAsync(5);
        await using var owned = socket;

        Assert.Equal((Range(1, 5), false), await SyncAsync(socket, conversationId, 0, null));
        Assert.Equal((Range(3, 5), false), await SyncAsync(socket, conversationId, 2, null));
        Assert.Equal((string.Empty, false), await SyncAsync(socket, conversationId, 5, null));
        Assert.Equal((string.Empty, false), await SyncAsync(socket, conversationId, 99, null));
    }

    [Fact]
    public async Task Sync_Limit_PagesWithHasMore()
    {
        var (socket, conversationId) = await SeedAsync(5);
        await using var owned = socket;

        Assert.Equal((Range(1, 2), true), await SyncAsync(socket, conversationId, 0, 2));
        Assert.Equal((Range(3, 4), true), await SyncAsync(socket, conversationId, 2, 2));
        Assert.Equal((Range(5, 5), false), await SyncAsync(socket, conversationId, 4, 2));
        Assert.Equal((Range(1, 1), true), await SyncAsync(socket, conversationId, 0, 1));
        Assert.Equal((Range(1, 5), false), await SyncAsync(socket, conversationId, 0, 5));
    }

    [Fact]
    public async Task Sync_NoLimit_Default100AndLimitUpTo300()
    {
        var (socket, conversationId) = await SeedAsync(305);
        await using var owned = socket;

        Assert.Equal((Range(1, 100), true), await SyncAsync(socket, conversationId, 0, null));
        Assert.Equal((Range(101, 200), true), await SyncAsync(socket, conversationId, 100, null));
        Assert.Equal((Range(1, 300), true), await SyncAsync(socket, conversationId, 0, 300));
        Assert.Equal((Range(6, 305), false), await SyncAsync(socket, conversationId, 5, 300));
    }

    [Fact]
    public async Task Sync_DefaultPageOfLongMessages_SyncedNotClosed()
    {
        // 100 messages (the default page) of 4,000 characters outside ASCII: a valid answer of about 2.4 MB on the
        // wire (each character is sent as \uXXXX), above the default 1 MiB outbox. This client reads at once: it is no
        // slow reader, and closing it would only make it reconnect and ask again.
        var (socket, conversationId) = await SeedAsync(100, new string('中', 4000));
        await using var owned = socket;

        await socket.SendAsync(new { op = "sync", id = "big", conversationId, afterSeq = 0 });

        var (frame, closed) = await socket.ReceiveFrameOrCloseAsync();
        Assert.True(frame is not null, $"The socket was closed with {closed} ({socket.Socket.CloseStatusDescription}) instead of answering the sync");
        Assert.Equal(("synced", "big"), (frame.Value.Op(), frame.Value.Str("re")));
        Assert.Equal(100, frame.Value.GetProperty("messages").GetArrayLength());
        Assert.False(frame.Value.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 301)]
    [InlineData(0, -1)]
    [InlineData(-1, null)]
    public async Task Sync_LimitOrAfterSeqOutOfRange_ValidationFailedWithRe(long afterSeq, int? limit)
    {
        var (socket, conversationId) = await SeedAsync(1);
        await using var owned = socket;

        await socket.SendTextAsync(JsonSerializer.Serialize(new { op = "sync", id = "range", conversationId, afterSeq, limit }));

        var error = await socket.ExpectErrorAsync("validation_failed", "range");
        Assert.True(error.GetProperty("errors").TryGetProperty(limit is null ? "afterSeq" : "limit", out _), error.GetRawText());
        await socket.ExpectQuietAsync();
    }
}
