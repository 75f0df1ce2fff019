using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>The SDK's change cursor against the real server: live changes, missed ones, and the catch-up after a reconnect.</summary>
public sealed class RealtimeChangeTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    [Fact]
    public async Task OfflineDevice_EditRecallAndTwoReactions_CaughtUpByTheCursorAfterReconnect()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 11);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 12);
        var conversation = await alice.Rest.CreateGroupAsync("g", [bob.UserId]);
        var sent = new List<MessageDto>();
        for (var i = 1; i <= 3; i++)
            sent.Add(await alice.Rest.SendMessageAsync(conversation.Id, $"m{i}"));
        await bob.ConnectAsync();
        var changes = new Changes(bob);
        // Bob's socket hears nothing of the changes, as if it were away while they happen.
        bob.Realtime.InboundFilter = op => op != Ops.Changed;

        await alice.Rest.EditMessageAsync(conversation.Id, sent[0].Id, "m1 edited");
        await alice.Rest.RecallMessageAsync(conversation.Id, sent[1].Id);
        await alice.Rest.AddReactionAsync(conversation.Id, sent[2].Id, "👍");
        await bob.Rest.AddReactionAsync(conversation.Id, sent[2].Id, "🎉");
        await bob.Realtime.PingAsync().WaitAsync(Timeout);
        Assert.Empty(changes.All);
        bob.Realtime.InboundFilter = null;
        var reconnected = bob.NextStateAsync(Client.Realtime.ConnectionState.Connected);
        bob.Realtime.AbortConnection();
        await reconnected;

        var latest = changes.Latest();
        Assert.Equal(4L, bob.Realtime.ChangeCursors[conversation.Id]);
        Assert.Equal(("m1 edited", 1L), (latest[1].Text, latest[1].ChangeSeq!.Value));
        Assert.Equal(("", true, 2L), (latest[2].Text, latest[2].Recalled, latest[2].ChangeSeq!.Value));
        Assert.Equal([("👍", 1), ("🎉", 1)], latest[3].Reactions!.Select(r => (r.Emoji, r.Count)));
        Assert.Equal(4L, latest[3].ChangeSeq);
    }

    [Fact]
    public async Task ChangedEvent_SkippingAhead_FetchesTheMissedChange()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 13);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 14);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        var message = await alice.Rest.SendMessageAsync(conversation.Id, "hello");
        await bob.ConnectAsync();
        var changes = new Changes(bob);
        var dropped = 0;
        // The first changed event is lost on the way; the second shows the gap.
        bob.Realtime.InboundFilter = op => op != Ops.Changed || Interlocked.Increment(ref dropped) > 1;

        await alice.Rest.EditMessageAsync(conversation.Id, message.Id, "hello, bob");
        await alice.Rest.AddReactionAsync(conversation.Id, message.Id, "❤️");
        await changes.WaitForChangeSeqAsync(2);

        Assert.Equal(2L, bob.Realtime.ChangeCursors[conversation.Id]);
        var latest = changes.Latest()[1];
        Assert.Equal(("hello, bob", "❤️"), (latest.Text, latest.Reactions!.Single().Emoji));
    }

    [Fact]
    public async Task Hide_OnOneDevice_ReachesTheOtherDevicesAsHidden()
    {
        await using var phone = await SdkDevice.RegisterAsync(factory, seed: 15);
        await using var laptop = await SdkDevice.LoginAsync(factory, phone.Username, seed: 16);
        await using var peer = await SdkDevice.RegisterAsync(factory, seed: 17);
        var conversation = await peer.Rest.CreateDirectConversationAsync(phone.UserId);
        var message = await peer.Rest.SendMessageAsync(conversation.Id, "forget me");
        await laptop.ConnectAsync();
        var hidden = new TaskCompletionSource<HiddenEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        laptop.Realtime.MessageHidden += (_, e) => hidden.TrySetResult(e);

        await phone.Rest.HideMessageAsync(conversation.Id, message.Id);

        var seen = await hidden.Task.WaitAsync(Timeout);
        Assert.Equal((conversation.Id, message.Id, 1L), (seen.ConversationId, seen.MessageId, seen.Seq));
        var page = await laptop.Rest.GetMessagesAsync(conversation.Id);
        Assert.Equal((true, ""), (page.Messages[0].Hidden, page.Messages[0].Text));
        Assert.Equal("forget me", (await peer.Rest.GetMessagesAsync(conversation.Id)).Messages[0].Text);
    }

    /// <summary>Every MessageChanged of a device, and a way to wait for a change seq.</summary>
    private sealed class Changes
    {
        private readonly Lock _lock = new();
        private readonly List<MessageDto> _all = [];
        private readonly List<(long ChangeSeq, TaskCompletionSource Done)> _waiters = [];

        public Changes(SdkDevice device) => device.Realtime.MessageChanged += (_, message) => Add(message);

        public IReadOnlyList<MessageDto> All
        {
            get
            {
                lock (_lock)
                    return [.. _all];
            }
        }

        /// <summary>Each message at its newest change, by seq: what an application holding copies would show.</summary>
        public Dictionary<long, MessageDto> Latest() =>
            All.GroupBy(m => m.Seq).ToDictionary(g => g.Key, g => g.MaxBy(m => m.ChangeSeq)!);

        public Task WaitForChangeSeqAsync(long changeSeq)
        {
            lock (_lock)
            {
                if (_all.Any(m => m.ChangeSeq >= changeSeq))
                    return Task.CompletedTask;
                var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((changeSeq, waiter));
                return waiter.Task.WaitAsync(Timeout);
            }
        }

        private void Add(MessageDto message)
        {
            lock (_lock)
            {
                _all.Add(message);
                foreach (var waiter in _waiters.Where(w => message.ChangeSeq >= w.ChangeSeq))
                    waiter.Done.TrySetResult();
            }
        }
    }
}
