using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Delivery;

namespace TokenIM.IntegrationTests.Security;

/// <summary>Peers that stop keeping up: a reader that never reads, and peers that vanish without a close.</summary>
public sealed partial class ExhaustionTests
{
    private const int SlowOutboxBytes = 64 * 1024;
    private const long HeapGrowthBound = 16L * 1024 * 1024;

    // 4,000 characters outside ASCII: each message event is about 12 KB of UTF-8 on the wire.
    private static readonly string s_bigText = new('中', 4000);

    [Fact]
    public async Task Deliver_GroupMemberNeverReads_Cut4009HeapBoundedOthersGetEverything()
    {
        await using var server = new LiveTokenImFactory();
        server.Settings["TokenIM:Gateway:OutboxBytes"] = $"{SlowOutboxBytes}";
        _ = server.BaseUri;
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();
        var (flooder, slow, r1, r2) = (await server.RegisterAsync(), await server.RegisterAsync(), await server.RegisterAsync(), await server.RegisterAsync());
        var group = await flooder.CreateGroupAsync("flood", slow, r1, r2);
        var flooding = await server.OpenAsync(flooder);
        await using var slowSocket = await server.OpenAsync(slow);
        await using var receiver1 = await server.OpenAsync(r1);
        await using var receiver2 = await server.OpenAsync(r2);
        await GatewayHelpers.SettleAsync(flooding, slowSocket, receiver1, receiver2);
        var slowConnection = Assert.IsType<Server.Gateway.Connection>(Assert.Single(registry.Get(slow.Id)));
        // The readers get a message each before the next is sent: only the slow member may fall behind, however busy the machine.
        var delivered = new[] { new SemaphoreSlim(0), new SemaphoreSlim(0) };
        var receiving = new[] { CountUntilLastAsync(receiver1, delivered[0]), CountUntilLastAsync(receiver2, delivered[1]) };
        var (heapBefore, workingSetBefore) = (Heap(), Environment.WorkingSet);

        // From here on the slow member reads nothing (a ClientWebSocket reads only when asked). After each ack the message's events are queued (they are
        // enqueued before the ack), so the queue sizes read then are settled values. Once it is cut, 100 more.
        var sent = 0;
        var sentAfterCut = 0;
        long maxQueued = 0;
        while (sentAfterCut < 100 && sent < 3000)
        {
            sent++;
            sentAfterCut += slowConnection.IsClosing ? 1 : 0;
            await flooding.SendAckedAsync(group.Id, s_bigText, $"flood-{sent}", $"{sent}");
            maxQueued = Math.Max(maxQueued, registry.All().OfType<Server.Gateway.Connection>().Max(c => c.QueuedBytes));
            foreach (var reader in delivered)
                Assert.True(await reader.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken), $"A reader did not get message {sent}.");
        }

        sent++;
        await flooding.SendAckedAsync(group.Id, "last", "flood-last", "last");
        var received = await Task.WhenAll(receiving);
        foreach (var reader in delivered)
            reader.Dispose();
        // Now it reads: what the kernel buffered before the cut, then the close frame, which could not get through before.
        var code = await slowSocket.ReceiveCloseAsync();
        await WaitUntilAsync(() => registry.Get(slow.Id).Length == 0);
        var heapGrowth = Heap() - heapBefore;
        var floodBytes = (long)sent * Encoding.UTF8.GetByteCount(s_bigText);

        Figures.Print($"exhaustion-slow-reader: outbox_bytes={SlowOutboxBytes} sent={sent} flood_bytes_per_receiver={floodBytes} "
            + $"close_code={code} max_queued_bytes={maxQueued} heap_growth_bytes={heapGrowth} heap_bound_bytes={HeapGrowthBound} "
            + $"working_set_growth_bytes={Environment.WorkingSet - workingSetBefore} others_received={received.Min()}/{sent}");
        await flooding.DisposeAsync();
        Assert.Equal(4009, code);
        Assert.InRange(maxQueued, 1, SlowOutboxBytes);
        Assert.True(heapGrowth < HeapGrowthBound, $"The heap grew by {heapGrowth} bytes.");
        Assert.All(received, count => Assert.Equal(sent, count));
        Assert.Equal(sent, (await flooder.GetConversationAsync(group.Id)).LastSeq);
    }

    /// <summary>Reads messages until the one with text <c>last</c>, signalling each; returns how many arrived.</summary>
    private static async Task<int> CountUntilLastAsync(RawSocket socket, SemaphoreSlim delivered)
    {
        var count = 0;
        while (true)
        {
            var message = (await socket.ReceiveOpAsync("message")).GetProperty("message");
            count++;
            delivered.Release();
            if (message.Str("text") == "last")
                return count;
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task Keepalive_PeersStopAnsweringPings_ClosedWithinIntervalPlusTimeoutAndOffline()
    {
        var interval = TimeSpan.FromSeconds(1);
        var timeout = TimeSpan.FromSeconds(1);
        await using var server = new LiveTokenImFactory();
        server.Settings["TokenIM:Gateway:PingInterval"] = $"{interval:c}";
        server.Settings["TokenIM:Gateway:PingTimeout"] = $"{timeout:c}";
        _ = server.BaseUri;
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();
        const int Peers = 20;
        var watcher = await server.RegisterAsync();
        var peers = await server.RegisterManyAsync(Peers);
        foreach (var peer in peers)
            await peer.CreateDirectAsync(watcher.Id);

        // The watcher reads all the time, so its own client answers the server's pings. Settled first: a peer connecting
        // while the watcher's own connect still gathers its online contacts would be announced twice.
        await using var watching = await server.OpenAsync(watcher);
        await GatewayHelpers.SettleAsync(watching);
        var offline = new Dictionary<string, TimeSpan>();
        var online = 0;
        var clock = Stopwatch.StartNew();
        var watch = Task.Run(async () =>
        {
            while (offline.Count < Peers)
            {
                var presence = await watching.ReceiveOpAsync("presence");
                if (presence.GetProperty("online").GetBoolean())
                    Interlocked.Increment(ref online);
                else
                    offline[presence.Str("userId")!] = clock.Elapsed;
            }
        });

        // Each peer authenticates, then falls silent: it never answers a ping (a machine that lost its network).
        var connectedAt = new Dictionary<string, TimeSpan>();
        var dead = new List<ExhaustionSocket>();
        foreach (var peer in peers)
        {
            connectedAt[peer.Id] = clock.Elapsed;
            var socket = await ExhaustionSocket.ConnectAsync(server.Port, peer.Tokens.AccessToken, answerClose: false);
            await socket.FirstTextFrameAsync();
            dead.Add(socket);
        }

        await watch.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var ended = await Task.WhenAll(dead.Select(s => s.Ended));
        var toOffline = peers.Select(p => (offline[p.Id] - connectedAt[p.Id]).TotalMilliseconds).ToArray();
        var limit = interval + timeout;
        var pinged = dead.Count(s => s.Pings > 0);
        await watching.ExpectQuietAsync();
        Figures.Print($"exhaustion-dead-peer: peers={Peers} ping_interval_ms={interval.TotalMilliseconds:F0} ping_timeout_ms={timeout.TotalMilliseconds:F0} "
            + $"pinged={pinged} closed={ended.Length} max_closed_ms={ended.Max(e => e.TotalMilliseconds):F0} "
            + $"max_offline_ms={toOffline.Max():F0} limit_ms={limit.TotalMilliseconds:F0} presence_online={online} presence_offline={offline.Count} "
            + $"sockets_left={registry.Count - 1}");
        foreach (var socket in dead)
            await socket.DisposeAsync();

        Assert.Equal(Peers, pinged);
        Assert.All(ended, e => Assert.True(e <= limit + s_timerSlack, $"A dead peer was held {e.TotalMilliseconds:F0} ms."));
        Assert.All(toOffline, ms => Assert.True(ms <= (limit + s_timerSlack).TotalMilliseconds, $"A dead peer went offline after {ms:F0} ms."));
        Assert.Equal(Peers, online);
        Assert.Equal(1, registry.Count);
    }
}
