using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenIM.Server.Bus;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Hosting;

/// <summary>One store database answers a connection.</summary>
internal sealed class StoreHealthCheck(Func<TokenImDbContext> open) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = open();
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
    }
}

/// <summary>
/// The bus can reach the other nodes: with Redis, the connection is up. A node cut off from Redis still commits sends,
/// but its clients would miss other nodes' events until they reconnect elsewhere, so it should get no new ones.
/// </summary>
internal sealed class BusHealthCheck(IBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus is RedisBus { IsConnected: false }
            ? HealthCheckResult.Unhealthy("Redis is not connected.")
            : HealthCheckResult.Healthy());
}
