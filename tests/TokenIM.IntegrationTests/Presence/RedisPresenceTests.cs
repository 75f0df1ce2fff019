using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Presence;

namespace TokenIM.IntegrationTests.Presence;

/// <summary>
/// Presence across two nodes through a real Redis: one online when the first socket anywhere opens, one offline when
/// the last anywhere closes, and a node that stops heartbeating (as if killed) has its users announced offline.
/// Cross-node events are ordered by a barrier: a message published by the same node after the event in question
/// (Redis keeps one publisher's order), so "the next frame is that message" proves nothing else was published.
/// </summary>
public sealed class RedisPresenceTests : IAsyncLifetime
{
    // Short only for the crash test, which waits for a sweep. Elsewhere a node stalled longer than the timeout on a
    // loaded test machine (GC, thread starvation) would be swept, re-register its users and announce them again —
    // the documented behaviour of a stalled node, and not what those tests are about.
    private static readonly TimeSpan s_crashNodeTimeout = TimeSpan.FromSeconds(2);
    private TwoNodes? _nodes;

    private LiveTokenImFactory First => _nodes!.First;

    private LiveTokenImFactory Second => _nodes!.Second;

    public ValueTask InitializeAsync()
    {
        var crashTest = TestContext.Current.TestMethod?.MethodName == nameof(NodeStopsHeartbeating_UsersOnlyThereGoOfflineOnceWithinTheTimeout);
        _nodes = TwoNodes.Start(
            ("TokenIM:Bus:PresenceHeartbeat", crashTest ? "00:00:00.250" : "00:00:01"),
            ("TokenIM:Bus:PresenceNodeTimeout", crashTest ? s_crashNodeTimeout.ToString() : "00:00:30"));
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Presence_SocketsOnBothNodes_OneOnlineAndOfflineOnlyWhenTheLastCloses()
    {
        var (alice, bob, conversation) = await First.PairAsync();
        await using var watcher = await First.OpenAsync(bob);
        // The contacts online are sent after ready: drained first, so alice's socket cannot be listed there as well.
        Assert.Empty(await watcher.DrainAsync());
        var onFirst = await First.OpenAsync(alice);
        await onFirst.DrainAsync();
        AssertPresence(await watcher.ReceiveAsync(), alice.Id, online: true);

        // A second socket on the other node: no second online.
        var onSecond = await Second.OpenAsync(alice);
        await onSecond.DrainAsync();
        await ExpectNextIsMessageAsync(watcher, Second, alice, conversation);

        // Closing the first node's socket: she is still online on the second.
        await onFirst.DisposeAsync();
        var firstNode = TwoNodes.RedisOf(First);
        await TwoNodes.WaitUntilAsync(
            async () => !await firstNode.Database.SetContainsAsync(firstNode.Keys.PresenceUser(alice.Id), firstNode.NodeId),
            "the first node has recorded the close");
        await ExpectNextIsMessageAsync(watcher, First, alice, conversation);

        // The last socket anywhere: one offline.
        await onSecond.DisposeAsync();
        AssertPresence(await watcher.ReceiveAsync(), alice.Id, online: false);
        await ExpectNextIsMessageAsync(watcher, Second, alice, conversation);
    }

    [Fact]
    public async Task Ready_ContactOnlineOnlyOnTheOtherNode_IsListedOnline()
    {
        var (alice, bob, _) = await First.PairAsync();
        await using var aliceOnSecond = await Second.OpenAsync(alice);
        await aliceOnSecond.DrainAsync();

        await using var bobOnFirst = await First.OpenAsync(bob);

        AssertPresence(Assert.Single(await bobOnFirst.DrainAsync()), alice.Id, online: true);
    }

    [Fact]
    public async Task NodeStopsHeartbeating_UsersOnlyThereGoOfflineOnceWithinTheTimeout()
    {
        var (alice, bob, withAlice) = await First.PairAsync();
        var carol = await First.RegisterAsync();
        var withCarol = (await (await carol.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created)).Id;
        await using var watcher = await First.OpenAsync(bob);
        Assert.Empty(await watcher.DrainAsync());
        await using var carolOnFirst = await First.OpenAsync(carol);
        await using var carolOnSecond = await Second.OpenAsync(carol);
        await using var aliceOnSecond = await Second.OpenAsync(alice);
        await GatewayHelpers.SettleAsync(carolOnFirst, carolOnSecond, aliceOnSecond);
        var before = await FramesBeforeMessageAsync(watcher, Second, alice, withAlice);
        Assert.Equal(new[] { alice.Id, carol.Id }.Order(), before.Select(p => p.Str("userId")!).Order());

        // As if the second node were killed: its sockets stay open, but it writes nothing to Redis any more.
        Second.Services.GetRequiredService<RedisPresence>().HaltAsIfKilled();
        var halted = Stopwatch.StartNew();

        AssertPresence(await watcher.ReceiveAsync(), alice.Id, online: false);
        Assert.True(halted.Elapsed < s_crashNodeTimeout * 3, $"Announced after {halted.Elapsed}");
        // Carol still has a socket on the first node: no offline for her, and none again for alice.
        await ExpectNextIsMessageAsync(watcher, First, carol, withCarol);
        await aliceOnSecond.DisposeAsync();
        await ExpectNextIsMessageAsync(watcher, First, carol, withCarol);
    }

    [Fact]
    public async Task Presence_RedisUnreachable_FollowsThisNodesSockets()
    {
        // A node whose Redis is down from the start: presence degrades to what this node sees, as on one node.
        await using var node = new LiveTokenImFactory();
        node.Settings["TokenIM:Bus:Provider"] = "Redis";
        node.Settings["TokenIM:Bus:RedisConfiguration"] = $"127.0.0.1:{LiveTokenImFactory.FreePort()},connectTimeout=200";
        var (alice, bob, _) = await node.PairAsync();
        await using var watcher = await node.OpenAsync(bob);
        await watcher.DrainAsync();

        var aliceSocket = await node.OpenAsync(alice);
        AssertPresence(Assert.Single(await aliceSocket.DrainAsync()), bob.Id, online: true);
        AssertPresence(await watcher.ReceiveAsync(), alice.Id, online: true);
        await aliceSocket.DisposeAsync();

        AssertPresence(await watcher.ReceiveAsync(), alice.Id, online: false);
    }

    private static void AssertPresence(JsonElement frame, string userId, bool online)
    {
        Assert.True(frame.Op() == "presence", frame.GetRawText());
        Assert.Equal((userId, online), (frame.Str("userId"), frame.GetProperty("online").GetBoolean()));
    }

    // Sends a message through the node and returns the watcher's frames before it arrives.
    private static async Task<List<JsonElement>> FramesBeforeMessageAsync(RawSocket watcher, LiveTokenImFactory node, TestUser sender, string conversationId)
    {
        var text = $"barrier {Guid.NewGuid():N}";
        using var client = TwoNodes.ClientOf(node, sender);
        var response = await client.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new SendMessageRequest(Guid.NewGuid().ToString("N"), text));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var before = new List<JsonElement>();
        while (true)
        {
            var frame = await watcher.ReceiveAsync();
            if (frame.Op() == "message" && frame.GetProperty("message").Str("text") == text)
                return before;
            before.Add(frame);
        }
    }

    private static async Task ExpectNextIsMessageAsync(RawSocket watcher, LiveTokenImFactory node, TestUser sender, string conversationId) =>
        Assert.Empty(await FramesBeforeMessageAsync(watcher, node, sender, conversationId));

    public async ValueTask DisposeAsync()
    {
        if (_nodes is not null)
            await _nodes.DisposeAsync();
    }
}
