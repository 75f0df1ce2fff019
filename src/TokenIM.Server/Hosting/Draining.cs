using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace TokenIM.Server.Hosting;

/// <summary>
/// Readiness during shutdown. From the moment stopping begins (<c>ApplicationStopping</c>, which comes before the
/// gateway closes its sockets) the node reports not ready; with <c>TokenIM:Health:DrainDelay</c> it then keeps serving
/// that long before the server stops listening, so that the load balancer has seen the 503 and sends new clients,
/// including the ones whose sockets this node just closed with 1001, to the other nodes.
/// </summary>
internal sealed partial class Draining(
    IHostApplicationLifetime lifetime,
    IOptions<TokenImOptions> options,
    TimeProvider time,
    ILogger<Draining> logger) : IHostedLifecycleService, IHealthCheck
{
    private volatile bool _stopping;

    public bool IsDraining => _stopping || lifetime.ApplicationStopping.IsCancellationRequested;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsDraining ? HealthCheckResult.Unhealthy("The node is shutting down.") : HealthCheckResult.Healthy());

    /// <summary>Runs before any service stops, Kestrel included: the node still answers while it waits.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var delay = options.Value.Health.DrainDelay;
        if (delay <= TimeSpan.Zero)
            return;
        LogDraining(logger, delay);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Draining: reporting not ready and serving for {Delay} more before stopping")]
    private static partial void LogDraining(ILogger logger, TimeSpan delay);
}
