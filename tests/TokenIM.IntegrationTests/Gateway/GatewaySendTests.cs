using System.Text.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>The <c>send</c> op: the ack after the commit, who gets the <c>message</c> event, idempotency, validation.</summary>
public sealed class GatewaySendTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    [Fact]
    public async Task Send_Committed_AckCarriesTheMessageAlreadyInHistory()
    {
        var (a, _, conversationId) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(a);

        var ack = await socket.SendAckedAsync(conversationId, "hello", "client-1", "s1");

        Assert.Equal(conversationId, ack.Str("conversationId"));
        Assert.Equal("client-1", ack.Str("clientMsgId"));
        Assert.Equal(1, ack.Long("seq"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ack.Str("createdAt"));
        // Read at once, with no waiting: an ack promises the commit has happened.
        var stored = Assert.Single((await a.PageAsync(conversationId)).Messages);
        Assert.Equal((ack.Str("messageId"), 1L, "hello", a.Id, "client-1"), (stored.Id, stored.Seq, stored.Text, stored.SenderId, stored.ClientMsgId));
        Assert.Equal(DateTimeOffset.Parse(ack.Str("createdAt")!, System.Globalization.CultureInfo.InvariantCulture), stored.CreatedAt);
    }

    [Fact]
    public async Task Send_OverSocket_PeerAndOtherDeviceGetMessageButSendingSocketDoesNot()
    {
        var (a, b, conversationId) = await factory.PairAsync();
        var phone = await factory.LoginAsync(a, "phone");
        await using var sending = await factory.OpenAsync(a);
        await using var otherDevice = await factory.OpenAsync(phone);
        await using var peer = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(sending, otherDevice, peer);

        await sending.SendAsync(new { op = "send", id = "s1", conversationId, clientMsgId = "dev-1", text = "to all my devices" });

        // The event is enqueued before the ack, so a message meant for the sending socket would come first.
        var ack = await sending.ReceiveAsync();
        Assert.Equal(("ack", "s1"), (ack.Op(), ack.Str("re")));
        await sending.ExpectQuietAsync();
        foreach (var socket in new[] { otherDevice, peer })
        {
            var frame = await socket.ReceiveAsync();
            Assert.Equal("message", frame.Op());
            var message = frame.GetProperty("message");
            Assert.Equal((ack.Str("messageId"), 1L, a.Id, "dev-1", "to all my devices", conversationId),
                (message.Str("id"), message.Long("seq"), message.Str("senderId"), message.Str("clientMsgId"), message.Str("text"), message.Str("conversationId")));
            await socket.ExpectQuietAsync();
        }
    }

    [Fact]
    public async Task Send_OverRest_EverySocketOfEveryMemberGetsMessage()
    {
        var (a, b, conversationId) = await factory.PairAsync();
        await using var socketA = await factory.OpenAsync(a);
        await using var socketB = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(socketA, socketB);

        var sent = await a.SendOkAsync(conversationId, "over rest");

        foreach (var socket in new[] { socketA, socketB })
        {
            var frame = await socket.ReceiveAsync();
            Assert.Equal(("message", sent.Id), (frame.Op(), frame.GetProperty("message").Str("id")));
        }
    }

    [Fact]
    public async Task Send_Pipelined_AcksAndPeerEventsInSeqOrder()
    {
        const int Count = 200;
        var (a, b, conversationId) = await factory.PairAsync();
        await using var sending = await factory.OpenAsync(a);
        await using var peer = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(sending, peer);

        for (var i = 1; i <= Count; i++)
            await sending.SendAsync(new { op = "send", id = $"p{i}", conversationId, clientMsgId = $"pipe-{i}", text = $"message {i}" });

        for (var i = 1; i <= Count; i++)
        {
            var ack = await sending.ReceiveAsync();
            Assert.Equal(("ack", $"p{i}", (long)i), (ack.Op(), ack.Str("re"), ack.Long("seq")));
            var message = (await peer.ReceiveAsync()).GetProperty("message");
            Assert.Equal(((long)i, $"message {i}"), (message.Long("seq"), message.Str("text")));
        }
    }

    [Fact]
    public async Task Send_SameClientMsgIdAgain_SameAckAndOneMessage()
    {
        var (a, _, conversationId) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(a);

        var first = await socket.SendAckedAsync(conversationId, "once", "idem-1", "s1");
        var again = await socket.SendAckedAsync(conversationId, "once, edited", "idem-1", "s2");
        await using var reconnected = await factory.OpenAsync(a);
        var afterReconnect = await reconnected.SendAckedAsync(conversationId, "once", "idem-1", "s3");

        foreach (var ack in new[] { again, afterReconnect })
        {
            Assert.Equal((first.Str("messageId"), first.Long("seq"), first.Str("createdAt"), "idem-1"),
                (ack.Str("messageId"), ack.Long("seq"), ack.Str("createdAt"), ack.Str("clientMsgId")));
        }

        var stored = Assert.Single((await a.PageAsync(conversationId)).Messages);
        Assert.Equal("once", stored.Text);
        var next = await socket.SendAckedAsync(conversationId, "twice", "idem-2", "s4");
        Assert.Equal(2, next.Long("seq"));
    }

    [Theory]
    [InlineData("""{"clientMsgId":"v-1","text":""}""", "text")]
    [InlineData("""{"clientMsgId":"v-1","text":"   "}""", "text")]
    [InlineData("""{"clientMsgId":"v-1","text":"bell\u0007"}""", "text")]
    [InlineData("""{"clientMsgId":"v-1"}""", "text")]
    [InlineData("""{"text":"hi"}""", "clientMsgId")]
    [InlineData("""{"clientMsgId":"has space","text":"hi"}""", "clientMsgId")]
    [InlineData("""{"clientMsgId":"","text":"hi"}""", "clientMsgId")]
    public async Task Send_InvalidFields_ValidationFailedWithReAndNothingStored(string fields, string field)
    {
        var (a, _, conversationId) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(a);
        var frame = JsonSerializer.Deserialize<Dictionary<string, object>>(fields)!;
        frame["op"] = "send";
        frame["id"] = "bad";
        frame["conversationId"] = conversationId;

        await socket.SendTextAsync(JsonSerializer.Serialize(frame));

        var error = await socket.ExpectErrorAsync("validation_failed", "bad");
        Assert.True(error.GetProperty("errors").TryGetProperty(field, out _), error.GetRawText());
        await socket.ExpectQuietAsync();
        Assert.Empty((await a.PageAsync(conversationId)).Messages);
    }

    [Fact]
    public async Task Send_TextOver4000Characters_ValidationFailed()
    {
        var (a, _, conversationId) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(a);

        await socket.SendAsync(new { op = "send", id = "long", conversationId, clientMsgId = "long-1", text = new string('x', 4001) });

        await socket.ExpectErrorAsync("validation_failed", "long");
        var ack = await socket.SendAckedAsync(conversationId, new string('x', 4000), "long-2", "ok");
        Assert.Equal(1, ack.Long("seq"));
    }
}
