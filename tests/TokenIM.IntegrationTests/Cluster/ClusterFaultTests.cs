using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol.Ws;

namespace TokenIM.IntegrationTests.Cluster;

/// <summary>
/// One cluster for the whole collection, run alone: three server processes, PostgreSQL and HAProxy on two cores leave
/// nothing to share with other test classes, and the node ports are fixed (deploy/haproxy.cfg).
/// </summary>
[CollectionDefinition(nameof(LocalCluster), DisableParallelization = true)]
public sealed class OneLocalCluster : ICollectionFixture<LocalCluster>;

/// <summary>
/// The scale-out promises tested on a real cluster (deploy/local-cluster.sh): users on different nodes converse live;
/// nodes killed mid-stream one after another, or Redis crashed or stopped under traffic, loses and repeats nothing that was acknowledged.
/// Each test starts from a whole cluster and leaves one behind.
/// </summary>
[Collection(nameof(LocalCluster))]
public sealed class ClusterFaultTests(LocalCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Every device sends one message per interval: 20 devices at 10 a second is a steady 200 messages a second.
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(100);

    // The issue's figure: one node after another killed in one run, each restarted before the next.
    private const int Kills = 5;

    public async ValueTask InitializeAsync()
    {
        if (LocalCluster.Enabled)
            await cluster.EnsureWholeAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AliceOnNode1_BobOnNode3_ConverseLive()
    {
        Assert.SkipWhen(!LocalCluster.Enabled, LocalCluster.SkipReason);
        await using var alice = await SdkDevice.RegisterAsync(LocalCluster.Node(1), cluster.NextUsername("alice"), seed: 1);
        await using var bob = await SdkDevice.RegisterAsync(LocalCluster.Node(3), cluster.NextUsername("bob"), seed: 2);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        // Live means by message events: a synced page would mean a gap was filled, i.e. an event did not arrive.
        var syncedPages = 0;
        alice.Realtime.InboundFilter = op => op != Ops.Synced || Interlocked.Increment(ref syncedPages) > 0;
        bob.Realtime.InboundFilter = op => op != Ops.Synced || Interlocked.Increment(ref syncedPages) > 0;

        var sent = new List<(string Text, long Seq)>();
        for (var round = 0; round < 5; round++)
        {
            // Each side's message must reach the other before the reply: the other node's event crossed Redis.
            var fromAlice = $"alice {round} via node 1";
            var ack = await alice.Realtime.SendAsync(conversation.Id, fromAlice).WaitAsync(Timeout);
            sent.Add((fromAlice, ack.Seq));
            await bob.Log.WaitForAsync(conversation.Id, sent.Count, Timeout, "bob on node 3");
            var fromBob = $"bob {round} via node 3";
            ack = await bob.Realtime.SendAsync(conversation.Id, fromBob).WaitAsync(Timeout);
            sent.Add((fromBob, ack.Seq));
            await alice.Log.WaitForAsync(conversation.Id, sent.Count, Timeout, "alice on node 1");
        }

        Assert.Equal(Enumerable.Range(1, sent.Count).Select(n => (long)n), sent.Select(s => s.Seq));
        foreach (var device in new[] { alice, bob })
        {
            var messages = device.Log.Of(conversation.Id);
            Assert.Equal(sent.Select(s => s.Text), messages.Select(m => m.Text));
            Assert.Equal(sent.Select(s => s.Seq), messages.Select(m => m.Seq));
        }
        Assert.Equal(alice.Log.Of(conversation.Id).Select(m => m.Id), bob.Log.Of(conversation.Id).Select(m => m.Id));
        Assert.Equal(0, Volatile.Read(ref syncedPages));
        Assert.False(ClusterTraffic.HasReconnected(alice) || ClusterTraffic.HasReconnected(bob), "a socket was lost");
    }

    [Fact]
    public async Task NodeKilledFiveTimesMidStream_ThroughHaproxy_NothingAckedLostOrDuplicated()
    {
        Assert.SkipWhen(!LocalCluster.Enabled, LocalCluster.SkipReason);
        // Every client through HAProxy: least-connections spreads the sockets over the three nodes.
        await using var traffic = await ClusterTraffic.ConnectAsync(cluster, "kill", pairs: 10,
            _ => (LocalCluster.Balancer, LocalCluster.Balancer));
        traffic.Start(SendInterval);
        await traffic.WaitForAckedAsync(100, "before the first kill");

        var victims = new List<string>();
        var (socketsOnVictims, reconnects, inFlightAtKills) = (0, 0, 0);
        for (var kill = 1; kill <= Kills; kill++)
        {
            // The kills rotate: the node killed least so far among those holding sockets (the one just restarted
            // holds none yet), the busiest of those. Least-connections hands a restarted node the next victim's clients.
            var view = await LocalCluster.BalancerViewAsync();
            var victim = view.Where(v => v.Value.Sessions > 0 && (victims.Count == 0 || v.Key != victims[^1]))
                .OrderBy(v => victims.Count(k => k == v.Key)).ThenByDescending(v => v.Value.Sessions).Select(v => v.Key).FirstOrDefault();
            Assert.True(victim is not null, $"kill {kill}: no node but the last victim holds sockets: {string.Join(", ", view)}");
            Assert.True(view[victim].Sessions > 0, $"kill {kill}: no sockets on {victim}: {string.Join(", ", view)}");
            var reconnectsBefore = traffic.Devices.Sum(ReconnectCount);
            var ackedAtKill = traffic.Acked;

            // It dies without a word: no drain, no close frames, sends in flight on it.
            await traffic.NextTickAsync();
            inFlightAtKills += traffic.Attempted - traffic.Acked;
            await cluster.KillAsync(victim);
            victims.Add(victim);
            socketsOnVictims += view[victim].Sessions;

            // Its clients reconnect through HAProxy to the other two and resend what was pending; the stream goes on.
            await LocalCluster.WaitUntilAsync(async () => (await LocalCluster.BalancerViewAsync())[victim].Status.StartsWith("DOWN", StringComparison.Ordinal),
                $"HAProxy takes {victim} out (kill {kill})", Timeout);
            await Task.WhenAll(traffic.Devices.Select(d => d.WaitUntilConnectedAsync()));
            await traffic.WaitForAckedAsync(ackedAtKill + 100, $"after kill {kill} ({victim})");
            var reconnected = traffic.Devices.Sum(ReconnectCount) - reconnectsBefore;
            Assert.True(reconnected > 0, $"kill {kill}: no client lost its socket: the kill of {victim} hit no client");
            reconnects += reconnected;

            await cluster.StartNodeAsync(int.Parse(victim[^1..], System.Globalization.CultureInfo.InvariantCulture));
        }
        await traffic.WaitForAckedAsync(traffic.Acked + 100, "after the last restart");
        await traffic.StopAsync();
        await traffic.ResyncAllAsync();

        var tally = await traffic.AuditAsync();
        tally.Report("node-kill", $" kills={victims.Count} killed={string.Join(',', victims)} sockets_on_victims={socketsOnVictims} " +
            $"client_reconnects={reconnects} in_flight_at_kills={inFlightAtKills}");
    }

    [Fact]
    public Task RedisKilledDuringTraffic_NothingLostAfterResync_AndNodesResubscribe() =>
        RedisOutageAsync("redis-restart", () => cluster.KillAsync("redis"));

    [Fact]
    public Task RedisStoppedCleanlyDuringTraffic_NothingLostAfterResync_AndNodesResubscribe() =>
        RedisOutageAsync("redis-stop", cluster.StopRedisAsync);

    private static int ReconnectCount(SdkDevice device)
    {
        lock (device.States)
            return device.States.Count(s => s.State == ConnectionState.Reconnecting);
    }

    /// <summary>
    /// Redis goes away under traffic by <paramref name="outage"/> (a crash closes nothing, a clean stop closes every
    /// connection itself) and comes back empty: sends go on, every node resubscribes by itself, nothing is lost.
    /// </summary>
    private async Task RedisOutageAsync(string name, Func<Task> outage)
    {
        Assert.SkipWhen(!LocalCluster.Enabled, LocalCluster.SkipReason);
        // Directly on the nodes, each pair across two of them: while Redis is down every node reports not ready and
        // HAProxy would refuse new requests, but sockets already on a node stay and keep sending.
        await using var traffic = await ClusterTraffic.ConnectAsync(cluster, name, pairs: 6,
            i => (LocalCluster.Node(i % 3 + 1), LocalCluster.Node((i + 1) % 3 + 1)));
        // Quiet probes, node 1 to node 3, 2 to 1 and 3 to 2: after Redis is back, every node must hear the others
        // again, by itself.
        await using var probes = await ClusterTraffic.ConnectAsync(cluster, "probe", pairs: 3,
            i => (LocalCluster.Node(i + 1), LocalCluster.Node((i + 2) % 3 + 1)));
        traffic.Start(SendInterval);
        await traffic.WaitForAckedAsync(60, "before Redis went away");

        await traffic.NextTickAsync();
        await outage();
        await LocalCluster.WaitUntilAsync(async () => (await Task.WhenAll(Enumerable.Range(1, 3).Select(LocalCluster.ReadyStatusAsync))).All(s => s == 503),
            "every node reports Redis lost (/health/ready 503)", Timeout);
        // The database is the truth: sends are still committed and acked while every node knows Redis is gone.
        var ackedAtOutage = traffic.Acked;
        await traffic.WaitForAckedAsync(ackedAtOutage + 100, "while Redis was down");
        var ackedWhileDown = traffic.Acked - ackedAtOutage;

        await cluster.RestartRedisAsync();
        await LocalCluster.WaitUntilAsync(async () => (await Task.WhenAll(Enumerable.Range(1, 3).Select(LocalCluster.ReadyStatusAsync))).All(s => s == 200),
            "every node is ready again", Timeout);
        foreach (var probe in probes.Pairs)
        {
            // A quiet conversation has no gap to fill, so the message can only arrive as a live event across nodes.
            await probe.First.Realtime.SendAsync(probe.ConversationId, "are you there?").WaitAsync(Timeout);
            await probe.Second.Log.WaitForAsync(probe.ConversationId, 1, TimeSpan.FromSeconds(5),
                $"{probe.Second.Username} on {probe.Second.Rest.BaseAddress}");
        }
        Assert.Equal(0, probes.DevicesThatReconnected());

        await traffic.WaitForAckedAsync(traffic.Acked + 100, "after Redis came back");
        await traffic.StopAsync();
        await traffic.ResyncAllAsync();
        var tally = await traffic.AuditAsync();
        tally.Report(name, $" acked_while_down={ackedWhileDown}");
    }
}
