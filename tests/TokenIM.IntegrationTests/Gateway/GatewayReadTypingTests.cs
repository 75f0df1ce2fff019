using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>The <c>read</c> and <c>typing</c> ops and the <c>receipt</c> and <c>typing</c> events they cause.</summary>
public sealed class GatewayReadTypingTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static async Task ExpectReceiptAsync(RawSocket socket, string conversationId, string userId, long seq)
    {
        var receipt = await socket.ReceiveAsync();
        Assert.True(receipt.Op() == "receipt", receipt.GetRawText());
        Assert.Equal((conversationId, userId, seq), (receipt.Str("conversationId"), receipt.Str("userId"), receipt.Long("seq")));
    }

    [Fact]
    public async Task Read_MarkerMovesForward_ReceiptToPeerAndOtherDeviceNotToSendingSocket()
    {
        var (a, b, conversationId) = await factory.PairAsync();
        for (var i = 1; i <= 3; i++)
            await b.SendOkAsync(conversationId, $"message {i}");
        var tablet = await factory.LoginAsync(a, "tablet");
        await using var reading = await factory.OpenAsync(a);
        await using var otherDevice = await factory.OpenAsync(tablet);
        await using var peer = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(reading, otherDevice, peer);

        await reading.SendAsync(new { op = "read", conversationId, seq = 2 });

        await ExpectReceiptAsync(peer, conversationId, a.Id, 2);
        await ExpectReceiptAsync(otherDevice, conversationId, a.Id, 2);
        await reading.ExpectQuietAsync();
        Assert.Equal(2, (await a.GetConversationAsync(conversationId)).ReadSeq);

        // Backwards and in place: nothing moves, nobody hears of it. The pong on the reading socket proves the
        // server handled the reads (a receipt would have been enqueued before it), then the others must be quiet.
        await reading.SendAsync(new { op = "read", conversationId, seq = 1 });
        await reading.SendAsync(new { op = "read", conversationId, seq = 2 });
        await reading.ExpectQuietAsync();
        await peer.ExpectQuietAsync();
        await otherDevice.ExpectQuietAsync();
        Assert.Equal(2, (await a.GetConversationAsync(conversationId)).ReadSeq);

        await reading.SendAsync(new { op = "read", conversationId, seq = 3 });
        await ExpectReceiptAsync(peer, conversationId, a.Id, 3);
        await ExpectReceiptAsync(otherDevice, conversationId, a.Id, 3);
        await reading.ExpectQuietAsync();
    }

    [Fact]
    public async Task Read_InGroup_ReceiptToEveryOtherMember()
    {
        _ = factory.BaseUri;
        var members = await factory.RegisterManyAsync(3);
        var group = await members[0].CreateGroupAsync("readers", members[1], members[2]);
        await members[1].SendOkAsync(group.Id, "hello group");
        var sockets = await Task.WhenAll(members.Select(factory.OpenAsync));
        try
        {
            await GatewayHelpers.SettleAsync(sockets);

            await sockets[2].SendAsync(new { op = "read", conversationId = group.Id, seq = 1 });

            await ExpectReceiptAsync(sockets[0], group.Id, members[2].Id, 1);
            await ExpectReceiptAsync(sockets[1], group.Id, members[2].Id, 1);
            await sockets[2].ExpectQuietAsync();
        }
        finally
        {
            foreach (var socket in sockets)
                await socket.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public async Task Read_SeqOutOfRange_ValidationFailedWithRe(long seq)
    {
        var (a, _, conversationId) = await factory.PairAsync();
        await a.SendOkAsync(conversationId, "only one");
        await using var socket = await factory.OpenAsync(a);

        await socket.SendAsync(new { op = "read", id = "r1", conversationId, seq });

        await socket.ExpectErrorAsync("validation_failed", "r1");
    }

    [Fact]
    public async Task Typing_PeerGetsItSenderDoesNotAndRepeatWithin3sIsDropped()
    {
        var (a, b, conversationId) = await factory.PairAsync();
        var laptop = await factory.LoginAsync(a, "laptop");
        await using var typing = await factory.OpenAsync(a);
        await using var otherDevice = await factory.OpenAsync(laptop);
        await using var peer = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(typing, otherDevice, peer);

        await typing.SendAsync(new { op = "typing", conversationId });

        var frame = await peer.ReceiveAsync();
        Assert.True(frame.Op() == "typing", frame.GetRawText());
        Assert.Equal((conversationId, a.Id), (frame.Str("conversationId"), frame.Str("userId")));
        await typing.ExpectQuietAsync();
        await otherDevice.ExpectQuietAsync();

        // At once again, from this socket and from the user's other device: within 3 s, so dropped.
        await typing.SendAsync(new { op = "typing", conversationId });
        await otherDevice.SendAsync(new { op = "typing", conversationId });
        await typing.ExpectQuietAsync();
        await otherDevice.ExpectQuietAsync();
        await peer.ExpectQuietAsync();

        // The throttle is per user and conversation: the peer typing back is not held up.
        await peer.SendAsync(new { op = "typing", conversationId });
        var back = await typing.ReceiveAsync();
        Assert.Equal(("typing", b.Id), (back.Op(), back.Str("userId")));
    }

    [Fact]
    public async Task Typing_MissingConversationId_ValidationFailedWithRe()
    {
        var (a, _, _) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(a);

        await socket.SendAsync(new { op = "typing", id = "t1" });

        await socket.ExpectErrorAsync("validation_failed", "t1");
    }
}
