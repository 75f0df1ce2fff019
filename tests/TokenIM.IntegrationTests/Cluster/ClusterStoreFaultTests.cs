namespace TokenIM.IntegrationTests.Cluster;

/// <summary>
/// The cluster's database dies under writes: PostgreSQL's postmaster is killed (-9) while every node is committing
/// batches, and started again on its data. Sends made meanwhile are refused with <c>store_unavailable</c> and retried
/// with their clientMsgIds; in the end every acknowledged message is stored once and delivered in order.
/// </summary>
[Collection(nameof(LocalCluster))]
public sealed class ClusterStoreFaultTests(LocalCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // As in ClusterFaultTests: every device sends one message per interval.
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(100);

    public async ValueTask InitializeAsync()
    {
        if (LocalCluster.Enabled)
            await cluster.EnsureWholeAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task PostgresKilledDuringWrites_SendsRefusedThenResent_NothingAckedLostOrDuplicated()
    {
        Assert.SkipWhen(!LocalCluster.Enabled, LocalCluster.SkipReason);
        // Directly on the nodes, each pair across two of them: the sockets stay up through the outage (a node without
        // its database reports not ready, and HAProxy would turn new requests away), so every refusal is a send's.
        await using var traffic = await ClusterTraffic.ConnectAsync(cluster, "pgkill", pairs: 6,
            i => (LocalCluster.Node(i % 3 + 1), LocalCluster.Node((i + 1) % 3 + 1)));
        traffic.Start(SendInterval);
        await traffic.WaitForAckedAsync(60, "before PostgreSQL was killed");

        // Right after a tick every device has a send in flight: some batches are being written when the postmaster
        // dies, and its backends end with it.
        await traffic.NextTickAsync();
        var inFlightAtKill = traffic.Attempted - traffic.Acked;
        var ackedAtKill = traffic.Acked;
        await cluster.KillAsync("postgres");
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(traffic.RefusedUnavailable >= 20),
            "sends are refused with store_unavailable", Timeout);
        var refusedWhileDown = traffic.RefusedUnavailable;
        var ackedWhileDown = traffic.Acked - ackedAtKill;

        await cluster.StartPostgresAsync();
        await traffic.WaitForAckedAsync(traffic.Acked + 100, "after PostgreSQL came back");
        await traffic.StopAsync();
        await traffic.ResyncAllAsync();

        var tally = await traffic.AuditAsync();
        tally.Report("postgres-kill", $" in_flight_at_kill={inFlightAtKill} acked_while_down={ackedWhileDown} " +
            $"refused_store_unavailable={traffic.RefusedUnavailable} refused_while_down={refusedWhileDown}");
    }
}
