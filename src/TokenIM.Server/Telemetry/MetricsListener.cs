using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// The scrape endpoint on <c>TokenIM:Telemetry:MetricsUrl</c>: a Kestrel server of its own inside the process that
/// answers <c>GET /metrics</c> and 404 to everything else. A separate server rather than one more address of the main
/// one: nothing of the API's pipeline (routes, the web client, authentication) is reachable through it by
/// construction, and it works whatever the host does with its own listeners (a listener made in code makes Kestrel
/// ignore <c>Urls</c>, see <c>LocalAdminSocket</c>).
/// </summary>
internal sealed partial class MetricsListener(TelemetryProviders providers, IOptions<TokenImOptions> options, ILoggerFactory loggers, ILogger<MetricsListener> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The address it listens on (the bound port when the setting asked for port 0); null when off.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.Telemetry.MetricsUrl;
        if (url is null || providers.Meters is null)
            return;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseSetting(WebHostDefaults.ServerUrlsKey, url).ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Limits.MaxConcurrentConnections = 64;
        });
        builder.Services.AddSingleton(loggers);
        // The main host owns the process's signals (SIGTERM starts its drain); this server stops with it.
        builder.Services.AddSingleton<IHostLifetime, HostedLifetime>();
        _app = builder.Build();
        _app.UseOpenTelemetryPrometheusScrapingEndpoint(providers.Meters, TelemetryServiceCollectionExtensions.IsScrape, path: null, configureBranchedPipeline: null, optionsName: null);
        _app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await _app.StartAsync(cancellationToken);
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? url;
        Address = new Uri(bound);
        LogListening(logger, bound);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    private sealed class HostedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "Metrics for Prometheus at {Url}/metrics")]
    private static partial void LogListening(ILogger logger, string url);
}
