using TokenIM.Cli.Bench;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Cli;

/// <summary>
/// <c>tokenim bench</c> at small sizes against a live server: correctness only (nothing lost, nothing duplicated,
/// every page right, every set-up made). Speed is measured by scripts/bench.sh, never asserted here.
/// </summary>
public sealed class BenchSmokeTests : IClassFixture<LiveTokenImFactory>
{
    private readonly LiveTokenImFactory _factory;

    public BenchSmokeTests(LiveTokenImFactory factory)
    {
        _factory = factory;
        // The connections scenario reads the server's memory and CPU from the diagnostics route.
        factory.Settings["TokenIM:Diagnostics:Enabled"] = "true";
    }

    private BenchTarget Target => new(_factory.BaseUri, SourceAddresses: 2);

    [Fact]
    public async Task Direct_TenPairsWithWindows_NothingLostOrDuplicated()
    {
        var result = await DirectScenario.RunAsync(Target, users: 20, messages: 2000, window: 8, rate: 0, Quiet(), CancellationToken.None);

        Report(result);
        Assert.Equal(2000, result["acked"]);
        Assert.Equal(0, result["lost"]);
        Assert.Equal(0, result["duplicated"]);
        Assert.Equal(0, result["stalled"]);
        Assert.True(result["deliver_p50"] > 0);
        Assert.True(result["server_cpu_per_message"] > 0);
    }

    [Fact]
    public async Task Direct_AtAFixedRate_NothingLostOrDuplicated()
    {
        var result = await DirectScenario.RunAsync(Target, users: 4, messages: 200, window: 4, rate: 400, Quiet(), CancellationToken.None);

        Report(result);
        Assert.Equal(200, result["acked"]);
        Assert.Equal(0, result["lost"]);
        Assert.Equal(0, result["duplicated"]);
    }

    [Fact]
    public async Task Group_FiftyMembersFiveSenders_EveryMemberGetsEveryMessageOnce()
    {
        var result = await GroupScenario.RunAsync(Target, members: 50, senders: 5, messages: 200, window: 4, Quiet(), CancellationToken.None);

        Report(result);
        Assert.Equal(200, result["acked"]);
        Assert.Equal(0, result["lost"]);
        Assert.Equal(0, result["duplicated"]);
        Assert.True(result["last_delivery_max"] >= result["last_delivery_p50"]);
    }

    [Fact]
    public async Task History_RandomPagesOfFifty_AllRight()
    {
        var result = await HistoryScenario.RunAsync(Target, messages: 1000, pages: 100, concurrency: 2, seed: 7, Quiet(), CancellationToken.None);

        Report(result);
        Assert.Equal(1000, result["stored"]);
        Assert.Equal(0, result["wrong_pages"]);
    }

    [Fact]
    public async Task Connect_ManySetUps_NoneFails()
    {
        var result = await ConnectScenario.RunAsync(Target, users: 8, count: 200, concurrency: 4, Quiet(), CancellationToken.None);

        Report(result);
        Assert.Equal(0, result["failed"]);
        Assert.True(result["per_second"] > 0);
    }

    [Fact]
    public async Task Connections_IdleSockets_AllStayOpenAndMemoryIsMeasured()
    {
        var result = await ConnectionsScenario.RunAsync(Target, count: 100, socketsPerUser: 2, TimeSpan.FromMilliseconds(200), Quiet(), CancellationToken.None);

        Report(result);
        Assert.Equal(100, result["open"]);
        Assert.True(result["server_sockets"] >= 100);
        Assert.Contains(result.Figures, f => f.Name == "connections.heap_per_socket");
    }

    private static Progress Quiet() => new(null);

    private static void Report(BenchResult result)
    {
        var line = string.Join(' ', result.Figures.Select(f => $"{f.Name}={BenchResult.Format(f.Value)}"));
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }
}
