using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Delivery;
using TokenIM.Server.Gateway;

namespace TokenIM.IntegrationTests.Security;

/// <summary>Run alone: the tests time closes against the server's timers and compare the process's heap before and after.</summary>
[CollectionDefinition(nameof(ExhaustionTests), DisableParallelization = true)]
public sealed class ExhaustionRunsAlone;

/// <summary>
/// Resource exhaustion on a real Kestrel socket: sockets that never authenticate, more sockets than a user or the node
/// may hold, a reader that stops reading, peers that vanish, and slow or oversized HTTP requests. Each test runs its own
/// server and prints one line of figures.
/// </summary>
[Collection(nameof(ExhaustionTests))]
public sealed partial class ExhaustionTests
{
    private const int Seed = 20261127;

    // The server's timers fire on a loaded two-core machine: a close may come this much after its deadline.
    private static readonly TimeSpan s_timerSlack = TimeSpan.FromSeconds(1);

    // After its close frame the server waits this long for an unauthenticated peer's answer before it cuts the connection (Connection.cs).
    private static readonly TimeSpan s_closeHandshake = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Connect_ManySocketsNeverAuthenticate_All4001WithinAuthTimeoutAndProbeUndisturbed()
    {
        // The default AuthTimeout (10 s): the figure is the one the protocol promises.
        await using var server = new LiveTokenImFactory();
        var limit = TimeSpan.FromSeconds(10);
        await using var probe = await LiveProbe.OpenAsync(server);
        var random = new Random(Seed);

        // 200 sockets: most idle, some trickling an auth frame a byte at a time (slowloris), some stopping inside a
        // frame's header or payload; every other one never answers the server's close frame.
        const int Sockets = 200;
        var kinds = Enumerable.Range(0, Sockets).Select(i => (i % 5) switch { 3 => "slow", 4 => "partial", _ => "idle" }).ToArray();
        var sockets = await Task.WhenAll(Enumerable.Range(0, Sockets).Select(i => ExhaustionSocket.ConnectAsync(server.Port, answerClose: i % 2 == 0)));
        using var stopTrickle = new CancellationTokenSource();
        var trickles = new List<Task>();
        for (var i = 0; i < Sockets; i++)
        {
            var mask = Frames.Mask((uint)random.Next());
            if (kinds[i] == "partial")
            {
                var frame = Frames.TextFrame("{\"op\":\"auth\",\"token\":\"" + new string('x', 200) + "\"}", mask);
                await sockets[i].WriteAsync(frame.AsMemory(0, random.Next(1, frame.Length)));
            }
            else if (kinds[i] == "slow")
            {
                trickles.Add(TrickleAsync(sockets[i], Frames.TextFrame("{\"op\":\"auth\",\"token\":\"" + new string('y', 4000) + "\"}", mask), stopTrickle.Token));
            }
        }

        // The probe chats the whole time the sockets wait to be closed.
        var allClosed = Task.WhenAll(sockets.Select(s => s.Ended));
        while (!allClosed.IsCompleted)
        {
            await probe.RoundTripAsync();
            await Task.WhenAny(allClosed, Task.Delay(100, TestContext.Current.CancellationToken));
        }

        await stopTrickle.CancelAsync();
        await Task.WhenAll(trickles);
        var closes = new List<(int Code, TimeSpan After)>();
        var noCloseFrame = 0;
        foreach (var socket in sockets)
        {
            if (socket.CloseFrame.IsCompletedSuccessfully)
                closes.Add(await socket.CloseFrame);
            else
                noCloseFrame++;
        }

        var closeMs = closes.Select(c => c.After.TotalMilliseconds).Order().ToArray();
        var released = (await allClosed).Select(e => e.TotalMilliseconds).ToArray();
        var wrongCode = closes.Count(c => c.Code != 4001);
        // Measured from the client's side of the upgrade, which a busy machine may see late: a close a second early is a bug, not noise.
        var early = closes.Count(c => c.After < limit - TimeSpan.FromSeconds(1));
        Figures.Print($"exhaustion-unauth: sockets={Sockets} idle={kinds.Count(k => k == "idle")} slowloris={kinds.Count(k => k == "slow")} "
            + $"partial_frame={kinds.Count(k => k == "partial")} closed_4001={closes.Count - wrongCode} wrong_code={wrongCode + noCloseFrame} "
            + $"min_close_ms={closeMs.FirstOrDefault():F0} p99_close_ms={Percentile(closeMs, 0.99):F0} max_close_ms={closeMs.LastOrDefault():F0} "
            + $"limit_ms={limit.TotalMilliseconds:F0} max_released_ms={released.Max():F0} probe_ok={probe.Succeeded}/{probe.Succeeded + probe.Failed}");
        foreach (var socket in sockets)
            await socket.DisposeAsync();

        Assert.Equal(0, noCloseFrame);
        Assert.Equal(0, wrongCode);
        Assert.Equal(0, early);
        Assert.True(closeMs[^1] <= (limit + s_timerSlack).TotalMilliseconds, $"A socket was closed after {closeMs[^1]:F0} ms.");
        // A client that ignores the close frame is cut off once the close handshake times out.
        Assert.True(released.Max() <= (limit + s_closeHandshake + s_timerSlack).TotalMilliseconds, $"A socket was held {released.Max():F0} ms.");
        Assert.Equal(0, probe.Failed);
        Assert.True(probe.Succeeded > 10, $"Only {probe.Succeeded} probe round trips ran.");
    }

    [Fact]
    public async Task Connect_OverPerUserAndPerNodeCaps_RefusedCleanlyOthersUndisturbedCapacityReturns()
    {
        const int PerUser = 3;
        const int PerNode = 6;
        await using var server = new LiveTokenImFactory();
        server.Settings["TokenIM:Limits:SocketsPerUser"] = $"{PerUser}";
        server.Settings["TokenIM:Gateway:MaxConnections"] = $"{PerNode}";
        _ = server.BaseUri;
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();
        var lifetime = server.Services.GetRequiredService<GatewayLifetime>();
        var (a, b, c) = (await server.RegisterAsync(), await server.RegisterAsync(), await server.RegisterAsync());
        var wrongCode = 0;

        // One user: its cap, then five more; half of the extra ones authenticate in the first frame instead of the header.
        var held = new List<RawSocket>();
        for (var i = 0; i < PerUser; i++)
            held.Add(await server.OpenAsync(a));
        const int OverUser = 5;
        var userRefused = 0;
        for (var i = 0; i < OverUser; i++)
            userRefused += await IsRefusedAsync(server, a, authFrame: i % 2 == 1) ? 1 : 0;
        wrongCode += OverUser - userRefused;

        // The node: another user fills it; then upgrades are refused before they are accepted, with a token or without.
        for (var i = 0; i < PerNode - PerUser; i++)
            held.Add(await server.OpenAsync(b));
        string?[] overNode = [c.Tokens.AccessToken, a.Tokens.AccessToken, null];
        var nodeRefused = 0;
        foreach (var token in overNode)
            nodeRefused += await RawSocket.RefusedStatusAsync(server.BaseUri, token) == HttpStatusCode.TooManyRequests ? 1 : 0;
        wrongCode += overNode.Length - nodeRefused;

        // The sockets within the caps never noticed.
        var undisturbed = 0;
        foreach (var socket in held)
        {
            await socket.ExpectQuietAsync(ignorePresence: true);
            undisturbed++;
        }

        // Capacity comes back as sockets close: one of a's lets a in again. A socket still authenticating counts: one
        // in the place of b's keeps c out until it goes.
        await held[0].DisposeAsync();
        await WaitUntilAsync(() => lifetime.OpenCount < PerNode);
        held[0] = await server.OpenAsync(a);
        await held[PerUser].DisposeAsync();
        await WaitUntilAsync(() => lifetime.OpenCount < PerNode);
        var unauthenticated = await ExhaustionSocket.ConnectAsync(server.Port);
        await WaitUntilAsync(() => lifetime.OpenCount == PerNode);
        var unauthenticatedCounted = await RawSocket.RefusedStatusAsync(server.BaseUri, c.Tokens.AccessToken) == HttpStatusCode.TooManyRequests;
        await unauthenticated.DisposeAsync();
        await WaitUntilAsync(() => lifetime.OpenCount < PerNode);
        held[PerUser] = await server.OpenAsync(c);
        var capacityBack = registry.Count == PerNode && registry.Get(a.Id).Length == PerUser;

        Figures.Print($"exhaustion-caps: per_user_limit={PerUser} opened={PerUser + OverUser} refused={userRefused} node_limit={PerNode} "
            + $"node_opened={PerNode + overNode.Length} node_refused_429={nodeRefused} wrong_code={wrongCode} undisturbed={undisturbed}/{PerNode} "
            + $"unauthenticated_counted={unauthenticatedCounted.ToString().ToLowerInvariant()} capacity_back={capacityBack.ToString().ToLowerInvariant()}");
        foreach (var socket in held)
            await socket.DisposeAsync();
        Assert.Equal(0, wrongCode);
        Assert.Equal(PerNode, undisturbed);
        Assert.True(unauthenticatedCounted);
        Assert.True(capacityBack);
    }

    /// <summary>One socket over a cap: <c>error too_many_connections</c>, then a close with 4008, and nothing else.</summary>
    private static async Task<bool> IsRefusedAsync(LiveTokenImFactory server, TestUser user, bool authFrame)
    {
        await using var socket = await RawSocket.ConnectAsync(server.BaseUri, authFrame ? null : user.Tokens.AccessToken);
        if (authFrame)
            await socket.SendAsync(new { op = "auth", token = user.Tokens.AccessToken });
        var (frame, _) = await socket.ReceiveFrameOrCloseAsync();
        var refused = frame is { } error && error.Op() == "error" && error.Str("code") == "too_many_connections";
        return await socket.ReceiveCloseAsync() == 4008 && refused;
    }

    /// <summary>Polls a condition the server reaches on its own (a socket unregistered after its close), for at most 10 s.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var deadline = TimeSpan.FromSeconds(10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < deadline, "The condition did not hold within 10 s.");
            await pace.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Writes the frame a byte every 250 ms until the server ends the connection (or the test stops it).</summary>
    private static async Task TrickleAsync(ExhaustionSocket socket, byte[] frame, CancellationToken stop)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            for (var i = 0; i < frame.Length && !socket.Ended.IsCompleted && await pace.WaitForNextTickAsync(stop); i++)
            {
                if (!await socket.WriteAsync(frame.AsMemory(i, 1)))
                    return;
            }
        }
        catch (OperationCanceledException)
        {
            // The test is done with it.
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
