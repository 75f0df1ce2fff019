using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Ws;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>The SDK against the real server: conversations, devices, ordering, gaps and idempotent resends.</summary>
public sealed class RealtimeChatTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    [Fact]
    public async Task TwoUsers_Chat_BothSeeTheSameMessagesInSeqOrder()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 1);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 2);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        var aliceMessageEvents = 0;
        alice.Realtime.InboundFilter = op => op != Ops.Message || Interlocked.Increment(ref aliceMessageEvents) > 0;

        var first = await alice.Realtime.SendAsync(conversation.Id, "hi bob").WaitAsync(Timeout);
        await bob.Log.WaitForAsync(conversation.Id, 1, Timeout, "bob");
        var second = await bob.Realtime.SendAsync(conversation.Id, "hi alice").WaitAsync(Timeout);
        var third = await alice.Realtime.SendAsync(conversation.Id, "how are you?").WaitAsync(Timeout);
        await alice.Log.WaitForAsync(conversation.Id, 3, Timeout, "alice");
        await bob.Log.WaitForAsync(conversation.Id, 3, Timeout, "bob");

        Assert.Equal([1L, 2, 3], [first.Seq, second.Seq, third.Seq]);
        foreach (var log in new[] { alice.Log, bob.Log })
        {
            var messages = log.Of(conversation.Id);
            Assert.Equal(["hi bob", "hi alice", "how are you?"], messages.Select(m => m.Text));
            Assert.Equal([1L, 2, 3], messages.Select(m => m.Seq));
            Assert.Equal([alice.UserId, bob.UserId, alice.UserId], messages.Select(m => m.SenderId));
            Assert.Equal([first.MessageId, second.MessageId, third.MessageId], messages.Select(m => m.Id));
        }
        // The sending socket has the ack, so no message event for its own sends: only bob's reached alice. The pong
        // is the barrier: the server would have queued any such event before it.
        await alice.Realtime.PingAsync().WaitAsync(Timeout);
        Assert.Equal(1, Volatile.Read(ref aliceMessageEvents));
    }

    [Fact]
    public async Task ThreeDevicesOfOneUser_AllReceiveEveryMessage_TheSendersOtherDevicesIncluded()
    {
        await using var phone = await SdkDevice.RegisterAsync(factory, seed: 3);
        await using var laptop = await SdkDevice.LoginAsync(factory, phone.Username, seed: 4);
        await using var tablet = await SdkDevice.LoginAsync(factory, phone.Username, seed: 5);
        await using var peer = await SdkDevice.RegisterAsync(factory, seed: 6);
        var conversation = await peer.Rest.CreateDirectConversationAsync(phone.UserId);
        SdkDevice[] devices = [phone, laptop, tablet, peer];
        await Task.WhenAll(devices.Select(d => d.ConnectAsync()));

        await phone.Realtime.SendAsync(conversation.Id, "from the phone").WaitAsync(Timeout);
        await laptop.Realtime.SendAsync(conversation.Id, "from the laptop").WaitAsync(Timeout);
        await peer.Realtime.SendAsync(conversation.Id, "from the peer").WaitAsync(Timeout);

        foreach (var device in devices)
        {
            await device.Log.WaitForAsync(conversation.Id, 3, Timeout, device.Username);
            Assert.Equal(["from the phone", "from the laptop", "from the peer"], device.Log.Of(conversation.Id).Select(m => m.Text));
            Assert.Equal([1L, 2, 3], device.Log.Of(conversation.Id).Select(m => m.Seq));
        }
    }

    [Fact]
    public async Task Conversation_CreatedWhileConnected_IsTrackedFromItsFirstMessage()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 7);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 8);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        var created = new TaskCompletionSource<ConversationEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Realtime.ConversationChanged += (_, change) => created.TrySetResult(change);

        var group = await alice.Rest.CreateGroupAsync("new group", [bob.UserId]);
        Assert.Equal(ConversationEvents.Created, (await created.Task.WaitAsync(Timeout)).Event);
        await alice.Realtime.SendAsync(group.Id, "welcome").WaitAsync(Timeout);

        await bob.Log.WaitForAsync(group.Id, 1, Timeout, "bob");
        Assert.Equal("welcome", Assert.Single(bob.Log.Of(group.Id)).Text);
        Assert.Equal(1, bob.Realtime.Cursors[group.Id]);
    }

    [Fact]
    public async Task SendAsync_AckLostThenSocketCut_ResendsWithTheSameClientMsgIdAndStoresOneMessage()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 9);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 10);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        var ackLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Realtime.InboundFilter = op => op != Ops.Ack || !ackLost.TrySetResult();

        // The first ack never reaches the SDK, and the socket dies: it only knows it sent, not that it was stored.
        var sending = alice.Realtime.SendAsync(conversation.Id, "exactly once", "resend-key-1");
        await ackLost.Task.WaitAsync(Timeout);
        alice.Realtime.AbortConnection();
        var ack = await sending.WaitAsync(Timeout);

        var history = await bob.Rest.GetMessagesAsync(conversation.Id);
        var stored = Assert.Single(history.Messages);
        Assert.Equal((ack.MessageId, ack.Seq, "resend-key-1"), (stored.Id, stored.Seq, stored.ClientMsgId));
        Assert.Equal(stored.Id, Assert.Single(alice.Log.Of(conversation.Id)).Id);
        var again = await alice.Realtime.SendAsync(conversation.Id, "exactly once", "resend-key-1").WaitAsync(Timeout);
        Assert.Equal(ack.Seq, again.Seq);
        Assert.Equal(ack.MessageId, (await alice.Rest.SendMessageAsync(conversation.Id, "exactly once", "resend-key-1")).Id);
        Assert.Single((await bob.Rest.GetMessagesAsync(conversation.Id)).Messages);
        await bob.Log.WaitForAsync(conversation.Id, 1, Timeout, "bob");
        Assert.Single(bob.Log.Of(conversation.Id));
    }

    [Fact]
    public async Task SendAsync_WhileDisconnected_IsSentAfterTheReconnect()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 11);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 12);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await bob.ConnectAsync();

        // Not connected yet: the sends wait, then go out in order after the first ready.
        var sends = Enumerable.Range(1, 5).Select(i => alice.Realtime.SendAsync(conversation.Id, $"queued {i}")).ToList();
        await alice.ConnectAsync();
        var acks = await Task.WhenAll(sends).WaitAsync(Timeout);

        Assert.Equal([1L, 2, 3, 4, 5], acks.Select(a => a.Seq).Order());
        await bob.Log.WaitForAsync(conversation.Id, 5, Timeout, "bob");
        Assert.Equal([1L, 2, 3, 4, 5], bob.Log.Of(conversation.Id).Select(m => m.Seq));
    }

    [Fact]
    public async Task MessageEventLost_TheNextOneRevealsTheGap_SyncFillsItInOrder()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 16);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 17);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        var messageEvents = 0;
        bob.Realtime.InboundFilter = op => op != Ops.Message || Interlocked.Increment(ref messageEvents) != 2;

        for (var i = 1; i <= 4; i++)
            await alice.Realtime.SendAsync(conversation.Id, $"message {i}").WaitAsync(Timeout);

        await bob.Log.WaitForAsync(conversation.Id, 4, Timeout, "bob");
        Assert.Equal([1L, 2, 3, 4], bob.Log.Of(conversation.Id).Select(m => m.Seq));
    }

    [Fact]
    public async Task SetCursor_ZeroBeforeConnecting_CatchesUpTheWholeHistoryAcrossSyncPages()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 18);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 19);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        for (var batch = 0; batch < 25; batch++)
            await Task.WhenAll(Enumerable.Range(batch * 10, 10).Select(i => alice.Rest.SendMessageAsync(conversation.Id, $"history {i}", $"history-{i}")));

        bob.Realtime.SetCursor(conversation.Id, 0);
        await bob.ConnectAsync();

        // Connected means caught up: the three pages (100, 100, 50) are delivered by then.
        Assert.Equal(Enumerable.Range(1, 250).Select(n => (long)n), bob.Log.Of(conversation.Id).Select(m => m.Seq));
        Assert.Equal(250, bob.Realtime.Cursors[conversation.Id]);
    }

    [Fact]
    public async Task FirstSight_WithoutSetCursor_StartsAtTheCurrentLastSeq()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 20);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 21);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.Rest.SendMessageAsync(conversation.Id, "old news");
        await bob.ConnectAsync();

        await alice.Rest.SendMessageAsync(conversation.Id, "fresh");

        await bob.Log.WaitForAsync(conversation.Id, 1, Timeout, "bob");
        Assert.Equal("fresh", Assert.Single(bob.Log.Of(conversation.Id)).Text);
    }

    [Fact]
    public async Task DeliverWholeHistory_NewConversations_StartAtSeqOne()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 26);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 27, wholeHistory: true);
        var direct = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        for (var i = 1; i <= 3; i++)
            await alice.Rest.SendMessageAsync(direct.Id, $"before {i}");
        await bob.ConnectAsync();
        Assert.Equal([1L, 2, 3], bob.Log.Of(direct.Id).Select(m => m.Seq));

        // Joined while connected, after messages were sent: its history comes too, in order.
        var group = await alice.Rest.CreateGroupAsync("late", []);
        await alice.Rest.SendMessageAsync(group.Id, "before bob");
        await alice.Rest.AddMembersAsync(group.Id, [bob.UserId]);
        await alice.Rest.SendMessageAsync(group.Id, "after bob");

        await bob.Log.WaitForAsync(group.Id, 2, Timeout, "bob");
        Assert.Equal(["before bob", "after bob"], bob.Log.Of(group.Id).Select(m => m.Text));
    }

    [Fact]
    public async Task ReadTypingAndPresence_ReachTheOtherMember()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 22);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 23);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.ConnectAsync();
        var online = new TaskCompletionSource<PresenceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receipt = new TaskCompletionSource<ReceiptEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var typing = new TaskCompletionSource<TypingEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Realtime.PresenceChanged += (_, e) =>
        {
            if (e.UserId == bob.UserId && e.Online)
                online.TrySetResult(e);
        };
        alice.Realtime.ReceiptReceived += (_, e) => receipt.TrySetResult(e);
        alice.Realtime.TypingReceived += (_, e) => typing.TrySetResult(e);

        await bob.ConnectAsync();
        await online.Task.WaitAsync(Timeout);
        var sent = await alice.Realtime.SendAsync(conversation.Id, "read me").WaitAsync(Timeout);
        await bob.Realtime.TypingAsync(conversation.Id);
        await bob.Realtime.ReadAsync(conversation.Id, sent.Seq);

        Assert.Equal((conversation.Id, bob.UserId), await typing.Task.WaitAsync(Timeout) is var t ? (t.ConversationId, t.UserId) : default);
        Assert.Equal((conversation.Id, bob.UserId, sent.Seq), await receipt.Task.WaitAsync(Timeout) is var r ? (r.ConversationId, r.UserId, r.Seq) : default);
        Assert.True(await bob.Realtime.PingAsync().WaitAsync(Timeout) > TimeSpan.Zero);
    }
}
