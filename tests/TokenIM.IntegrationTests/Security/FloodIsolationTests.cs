using System.Diagnostics;
using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Security;

/// <summary>Run alone: it measures latency, and other test classes' load on a two-core machine would be measured with it.</summary>
[CollectionDefinition(nameof(FloodIsolationTests), DisableParallelization = true)]
public sealed class FloodIsolationRunsAlone;

/// <summary>
/// One user floods the send route as fast as eight connections allow; the per-user send budget refuses the excess
/// before it reaches the writer, so two other users' live conversation keeps its latency. Prints the p99 of a send
/// until the peer's socket has it, before and during the flood.
/// </summary>
[Collection(nameof(FloodIsolationTests))]
public sealed class FloodIsolationTests
{
    // Bob's sends (a warm-up and two phases: 1 + 19 + 19 = 39) stay within his burst of 40 however fast the test
    // runs: the 20-a-second refill is not counted on (run alone and fast, the 41st send was refused).
    private const int Probes = 19;

    [Fact]
    public async Task SendFloodByOneUser_DoesNotSlowAnotherPair()
    {
        await using var server = new LiveTokenImFactory();
        server.Settings["TokenIM:RateLimits:Enabled"] = "true";
        server.Settings["TokenIM:RateLimits:RegistrationsPerAddressPerHour"] = "100";
        var (flooder, target) = (await server.RegisterAsync(), await server.RegisterAsync());
        var (bob, carol) = (await server.RegisterAsync(), await server.RegisterAsync());
        var floodConversation = await (await flooder.CreateDirectAsync(target.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var probeConversation = await (await bob.CreateDirectAsync(carol.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        await using var bobSocket = await server.OpenAsync(bob);
        await using var carolSocket = await server.OpenAsync(carol);
        await GatewayHelpers.SettleAsync(bobSocket, carolSocket);
        // Not measured: the first send of the run warms the path (JIT, prepared statements), which is not what is compared.
        await ProbeAsync(bobSocket, carolSocket, probeConversation.Id, "warm-up", probes: 1);

        var before = await ProbeAsync(bobSocket, carolSocket, probeConversation.Id, "before");
        using var stop = new CancellationTokenSource();
        var (accepted, refused) = (0, 0);
        var flood = Enumerable.Range(0, 8).Select(lane => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await flooder.SendAsync(floodConversation.Id, "flood", $"flood-{lane}-{i}");
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    Interlocked.Increment(ref refused);
                else if (response.IsSuccessStatusCode)
                    Interlocked.Increment(ref accepted);
            }
        })).ToArray();
        var during = await ProbeAsync(bobSocket, carolSocket, probeConversation.Id, "during");
        await stop.CancelAsync();
        await Task.WhenAll(flood);

        Figures.Print(
            $"flood-isolation: flood_sends={accepted + refused} flood_accepted={accepted} flood_refused={refused} " +
            $"probe_p99_before_ms={P99(before):F1} probe_p99_during_ms={P99(during):F1}");
        Assert.True(refused > accepted, $"the flood was not limited: {accepted} accepted, {refused} refused");
        // Generous, for a loaded 2-core CI machine: a flood that reached the writer or the fan-out would cost seconds.
        Assert.True(P99(during) < Math.Max(500, P99(before) * 20), $"p99 {P99(before):F1} ms before, {P99(during):F1} ms during");
    }

    /// <summary>Bob sends one message at a time; the time until Carol's socket has it.</summary>
    private static async Task<List<double>> ProbeAsync(RawSocket bob, RawSocket carol, string conversationId, string phase, int probes = Probes)
    {
        var times = new List<double>();
        for (var i = 0; i < probes; i++)
        {
            var clock = Stopwatch.StartNew();
            await bob.SendAckedAsync(conversationId, $"{phase} {i}", $"{phase}-{i}", $"{phase}-{i}");
            var delivered = await carol.ReceiveOpAsync("message");
            times.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal($"{phase} {i}", delivered.GetProperty("message").GetProperty("text").GetString());
        }

        return times;
    }

    private static double P99(List<double> values) => values.Order().ElementAt((int)Math.Ceiling(values.Count * 0.99) - 1);
}
