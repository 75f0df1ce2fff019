using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TokenIM.Server.Hosting;
using TokenIM.Server.Stats;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// The OpenTelemetry pipelines of this host, built from the settings when the host starts and only when asked for:
/// metrics when a scrape address or an OTLP endpoint is set, traces when an OTLP endpoint is set. Without them no
/// provider exists, no instrument is listened to and no span is made, so the hooks cost nothing measurable.
/// </summary>
/// <remarks>
/// Built here rather than with <c>services.AddOpenTelemetry()</c>: that decides at registration, before the host's
/// configuration is complete (a test host's settings arrive later), and an OTLP exporter registered unconditionally
/// would send to localhost:4317 on every server.
/// </remarks>
internal sealed class TelemetryProviders : IDisposable
{
    public TelemetryProviders(IOptions<TokenImOptions> options, IConfiguration configuration, IMeterFactory meterFactory, NodeStats node)
    {
        var settings = options.Value.Telemetry;
        var otlp = OtlpEndpoint(settings, configuration);
        void Resource(ResourceBuilder resource) => resource.AddService("tokenim", serviceInstanceId: node.NodeId);

        if (MetricsEnabled(settings, configuration))
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(Resource)
                .AddMeter(TokenImMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // Meters made by a host's IMeterFactory share their names with every other host in the process (tests
                // run many servers in one): keep only this host's, so its figures are its own.
                .AddView(instrument => instrument.Meter.Scope is IMeterFactory scope && !ReferenceEquals(scope, meterFactory)
                    ? MetricStreamConfiguration.Drop
                    : null);
            if (settings.MetricsUrl is not null || settings.MetricsOnMainPort)
                metrics.AddPrometheusExporter();
            if (otlp is not null)
                metrics.AddOtlpExporter(o => Configure(o, settings, "v1/metrics"));
            Meters = metrics.Build();
        }

        if (otlp is not null)
        {
            Tracer = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(Resource)
                .AddSource(TokenImTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = IsTraced)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.TraceSampleRatio)))
                .AddOtlpExporter(o => Configure(o, settings, "v1/traces"))
                .Build();
        }
    }

    /// <summary>Null when metrics are off.</summary>
    public MeterProvider? Meters { get; }

    /// <summary>Null when traces are off.</summary>
    public TracerProvider? Tracer { get; }

    /// <summary>The OTLP endpoint: the setting, else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; null when neither is set.</summary>
    public static string? OtlpEndpoint(TelemetrySettings settings, IConfiguration configuration) =>
        settings.OtlpEndpoint ?? (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } endpoint ? endpoint : null);

    public static bool MetricsEnabled(TelemetrySettings settings, IConfiguration configuration) =>
        settings.MetricsUrl is not null || settings.MetricsOnMainPort || OtlpEndpoint(settings, configuration) is not null;

    /// <summary>
    /// Requests worth a span: not a socket's upgrade (its request lasts as long as the socket; its frames get spans of
    /// their own), not the balancer's health checks, not the scrapes.
    /// </summary>
    public static bool IsTraced(HttpContext context) =>
        !IsUpgrade(context)
        && !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
        && !context.Request.Path.Equals(TelemetryServiceCollectionExtensions.MetricsPath, StringComparison.Ordinal);

    public static bool IsUpgrade(HttpContext context) =>
        context.Request.Headers.Upgrade.Count > 0 && string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        Tracer?.Dispose();
        Meters?.Dispose();
    }

    // With the setting, the endpoint and protocol are ours; without it the exporter reads the OTEL_EXPORTER_OTLP_* variables.
    private static void Configure(OtlpExporterOptions exporter, TelemetrySettings settings, string signalPath)
    {
        if (settings.OtlpEndpoint is null)
            return;
        var http = settings.OtlpProtocol == "http/protobuf";
        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // A programmatic HTTP endpoint is used as given, so the signal's path is added here (the variable gets it added by the exporter).
        exporter.Endpoint = http ? new Uri(new Uri(settings.OtlpEndpoint.TrimEnd('/') + "/"), signalPath) : new Uri(settings.OtlpEndpoint);
    }
}
