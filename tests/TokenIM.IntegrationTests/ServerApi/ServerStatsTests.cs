using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Auth;
using TokenIM.Server.Stats;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary><c>GET /server/stats</c>: live figures per node and in total; on a cluster any node answers for every live node.</summary>
public sealed class ServerStatsTests
{
    [Fact]
    public async Task Stats_OneNodeWithTraffic_CountsSocketsMessagesAndFrames()
    {
        await using var factory = new LiveTokenImFactory();
        var (a, b, conversationId) = await factory.PairAsync();
        await using var socketA = await factory.OpenAsync(a);
        await using var socketB = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(socketA, socketB);
        for (var i = 0; i < 5; i++)
            await socketA.SendAckedAsync(conversationId, $"hello {i}", $"stats-{i}", $"s{i}");
        using var server = await factory.ServerClientAsync(ServerScopes.StatsRead);

        var stats = await server.GetStatsAsync();

        var node = Assert.Single(stats.Nodes);
        Assert.Equal(1, stats.Total.Nodes);
        Assert.Equal(2, node.AuthenticatedSockets);
        Assert.Equal(2, node.ConnectedUsers);
        Assert.True(node.OpenSockets >= 2);
        Assert.Equal(5, node.MessagesStored);
        Assert.InRange(node.GroupCommitBatches, 1, 5);
        Assert.True(node.MessagesPerSecond > 0, $"{node.MessagesPerSecond} messages/s");
        Assert.True(node.FramesInPerSecond > 0, $"{node.FramesInPerSecond} frames in/s");
        Assert.True(node.FramesOutPerSecond > 0, $"{node.FramesOutPerSecond} frames out/s");
        Assert.NotNull(node.StoreLatencyMs);
        Assert.True(node.GcHeapBytes > 0);
        Assert.True(node.UptimeSeconds >= 0);
        Assert.Equal(node.MessagesStored, stats.Total.MessagesStored);
    }

    [Fact]
    public async Task Stats_TwoNodes_EachAnswersForBothAndAStoppedNodeDropsOut()
    {
        await using var nodes = TwoNodes.Start();
        using var first = await nodes.First.ServerClientAsync(ServerScopes.StatsRead);
        var secondId = nodes.Second.Services.GetRequiredService<NodeStats>().NodeId;
        var user = await nodes.First.RegisterAsync();
        await using var socket = await nodes.Second.OpenAsync(user);

        await TwoNodes.WaitUntilAsync(
            async () => (await first.GetStatsAsync()).Nodes.Any(n => n.NodeId == secondId && n.AuthenticatedSockets == 1),
            "the first node reports the second with its socket");
        var stats = await first.GetStatsAsync();
        Assert.Equal(2, stats.Total.Nodes);
        Assert.Equal(1, stats.Total.AuthenticatedSockets);

        await nodes.Second.DisposeAsync();

        await TwoNodes.WaitUntilAsync(async () => (await first.GetStatsAsync()).Nodes.Count == 1, "the stopped node drops out");
    }

    [Fact]
    public async Task Stats_NodeThatDiedWithoutLeaving_DropsOutWhenItsFiguresExpire()
    {
        await using var nodes = TwoNodes.Start();
        using var first = await nodes.First.ServerClientAsync(ServerScopes.StatsRead);
        var redis = TwoNodes.RedisOf(nodes.First);
        var secondId = nodes.Second.Services.GetRequiredService<NodeStats>().NodeId;
        await TwoNodes.WaitUntilAsync(async () => (await first.GetStatsAsync()).Nodes.Count == 2, "both nodes report");
        var figures = await redis.Database.StringGetAsync(redis.Keys.StatsNode(secondId));

        // A dead node's last figures, as a crash leaves them: still listed, expiring soon, and never renewed.
        await redis.Database.StringSetAsync(redis.Keys.StatsNode("dead-node"), ((string)figures!).Replace(secondId, "dead-node", StringComparison.Ordinal), TimeSpan.FromSeconds(2));
        await redis.Database.SetAddAsync(redis.Keys.StatsNodes, "dead-node");

        Assert.Contains("dead-node", (await first.GetStatsAsync()).Nodes.Select(n => n.NodeId));
        await TwoNodes.WaitUntilAsync(async () => !(await first.GetStatsAsync()).Nodes.Any(n => n.NodeId == "dead-node"), "the dead node drops out");
        Assert.False(await redis.Database.SetContainsAsync(redis.Keys.StatsNodes, "dead-node"));
    }
}
