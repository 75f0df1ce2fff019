using System.Collections.Concurrent;
using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>
/// Stress through the SDK, checked like Jepsen's total queue: every acknowledged message reaches every observer once,
/// in seq order without gaps, also across cut sockets and a server restart.
/// </summary>
public sealed class RealtimeDeliveryTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TwentyConcurrentSenders_InAGroup_EveryMemberSeesTheIdenticalGapFreeSequence()
    {
        const int senders = 20, perSender = 10, total = senders * perSender;
        var devices = new List<SdkDevice>();
        try
        {
            for (var i = 0; i < senders; i++)
                devices.Add(await SdkDevice.RegisterAsync(factory, seed: 100 + i, prefix: "group"));
            var group = await devices[0].Rest.CreateGroupAsync("twenty", devices.Skip(1).Select(d => d.UserId));
            await Task.WhenAll(devices.Select(d => d.ConnectAsync()));

            var attempted = new ConcurrentBag<string>();
            var acknowledged = new ConcurrentBag<string>();
            await Task.WhenAll(devices.Select((device, i) => Task.Run(async () =>
            {
                var sends = Enumerable.Range(0, perSender).Select(async j =>
                {
                    var key = $"g-{i}-{j}";
                    attempted.Add(key);
                    var ack = await device.Realtime.SendAsync(group.Id, $"message {j} from {i}", key);
                    acknowledged.Add(ack.ClientMsgId);
                });
                await Task.WhenAll(sends);
            }))).WaitAsync(Timeout);
            foreach (var device in devices)
                await device.Log.WaitForAsync(group.Id, total, Timeout, device.Username);

            var observed = devices.Select(d => d.Log.Of(group.Id)).ToList();
            DeliveryCheck.Run(attempted, acknowledged, observed).Report(nameof(TwentyConcurrentSenders_InAGroup_EveryMemberSeesTheIdenticalGapFreeSequence));
            var reference = observed[0].Select(m => (m.Seq, m.Id)).ToList();
            Assert.All(observed, sequence => Assert.Equal(reference, sequence.Select(m => (m.Seq, m.Id))));
            Assert.Equal(Enumerable.Range(1, total).Select(n => (long)n), reference.Select(r => r.Seq));
        }
        finally
        {
            foreach (var device in devices)
                await device.DisposeAsync();
        }
    }

    [Fact]
    public async Task SocketsCutMidStream_ReconnectAndResync_NothingLostNothingRepeated()
    {
        const int total = 200;
        await using var sender = await SdkDevice.RegisterAsync(factory, seed: 200);
        await using var receiver = await SdkDevice.RegisterAsync(factory, seed: 201);
        var conversation = await sender.Rest.CreateDirectConversationAsync(receiver.UserId);
        await sender.ConnectAsync();
        await receiver.ConnectAsync();
        var attempted = new ConcurrentBag<string>();
        var acknowledged = new ConcurrentBag<string>();

        var sending = Task.Run(async () =>
        {
            // Batches of ten in flight at once, so cuts land between a send and its ack.
            for (var batch = 0; batch < total / 10; batch++)
            {
                await Task.WhenAll(Enumerable.Range(batch * 10, 10).Select(async n =>
                {
                    attempted.Add($"cut-{n}");
                    var ack = await sender.Realtime.SendAsync(conversation.Id, $"message {n}", $"cut-{n}");
                    acknowledged.Add(ack.ClientMsgId);
                }));
            }
        });
        // Cut the receiver's socket three times and the sender's twice while messages flow. A victim still
        // reconnecting from its last cut is waited for, so every cut drops a live socket (a fast server can
        // otherwise bring the receiver to the next mark before the sender is back).
        foreach (var (at, victim) in new[] { (40, receiver), (70, sender), (100, receiver), (130, sender), (160, receiver) })
        {
            await receiver.Log.WaitForAsync(conversation.Id, at, Timeout, "receiver");
            await victim.WaitUntilConnectedAsync();
            var down = victim.NextStateAsync(ConnectionState.Reconnecting);
            victim.Realtime.AbortConnection();
            await down;
        }
        await sending.WaitAsync(Timeout);
        await receiver.Log.WaitForAsync(conversation.Id, total, Timeout, "receiver");
        await sender.Log.WaitForAsync(conversation.Id, total, Timeout, "sender");
        await receiver.WaitUntilConnectedAsync();
        await sender.WaitUntilConnectedAsync();

        DeliveryCheck.Run(attempted, acknowledged, [receiver.Log.Of(conversation.Id), sender.Log.Of(conversation.Id)])
            .Report(nameof(SocketsCutMidStream_ReconnectAndResync_NothingLostNothingRepeated));
        // Each cut was a real loss: more messages could only come after a reconnect.
        Assert.True(Reconnects(receiver) >= 3, $"receiver reconnected {Reconnects(receiver)} times");
        Assert.True(Reconnects(sender) >= 2, $"sender reconnected {Reconnects(sender)} times");
        Assert.Equal(total, (await receiver.Rest.GetConversationAsync(conversation.Id)).LastSeq);
    }

    [Fact]
    public async Task ServerRestartedMidStream_NoAcknowledgedMessageLost_AndTheSdkResumes()
    {
        const int total = 120;
        var server = new LiveTokenImFactory();
        LiveTokenImFactory? restarted = null;
        try
        {
            await using var sender = await SdkDevice.RegisterAsync(server, seed: 300);
            await using var receiver = await SdkDevice.RegisterAsync(server, seed: 301);
            var conversation = await sender.Rest.CreateDirectConversationAsync(receiver.UserId);
            await sender.ConnectAsync();
            await receiver.ConnectAsync();
            var attempted = new ConcurrentBag<string>();
            var acknowledged = new ConcurrentBag<string>();

            var sending = Task.Run(async () =>
            {
                for (var batch = 0; batch < total / 5; batch++)
                {
                    await Task.WhenAll(Enumerable.Range(batch * 5, 5).Select(async n =>
                    {
                        attempted.Add($"restart-{n}");
                        var ack = await sender.Realtime.SendAsync(conversation.Id, $"message {n}", $"restart-{n}");
                        acknowledged.Add(ack.ClientMsgId);
                    }));
                }
            });
            await receiver.Log.WaitForAsync(conversation.Id, 40, Timeout, "receiver");
            restarted = server.Restarted();
            await server.DisposeAsync();
            var ackedBeforeRestart = acknowledged.ToHashSet();
            _ = restarted.BaseUri;

            await sending.WaitAsync(Timeout);
            await receiver.Log.WaitForAsync(conversation.Id, total, Timeout, "receiver");
            await sender.Log.WaitForAsync(conversation.Id, total, Timeout, "sender");

            var stored = await receiver.StoredMessagesAsync(conversation.Id);
            Assert.Subset(stored.Select(m => m.ClientMsgId).ToHashSet(), ackedBeforeRestart);
            Assert.Equal(total, stored.Count);
            DeliveryCheck.Run(attempted, acknowledged, [receiver.Log.Of(conversation.Id), sender.Log.Of(conversation.Id)])
                .Report(nameof(ServerRestartedMidStream_NoAcknowledgedMessageLost_AndTheSdkResumes));
            // A graceful shutdown closes every socket with 1001 (docs/protocol.md, Close codes).
            foreach (var device in new[] { sender, receiver })
            {
                lock (device.States)
                    Assert.Equal(CloseCodes.ServerShutdown, device.States.First(c => c.State == ConnectionState.Reconnecting).CloseStatus);
            }
        }
        finally
        {
            await server.DisposeAsync();
            if (restarted is not null)
                await restarted.DisposeAsync();
        }
    }

    private static int Reconnects(SdkDevice device)
    {
        lock (device.States)
            return device.States.Count(c => c.State == ConnectionState.Reconnecting);
    }
}
