using System.ComponentModel.DataAnnotations;

namespace TokenIM.Server.Hosting;

/// <summary>Metrics (Prometheus text at <c>/metrics</c>, OTLP) and traces (OTLP). All off by default.</summary>
internal sealed class TelemetrySettings
{
    /// <summary>
    /// The address of a listener of its own that answers only <c>GET /metrics</c> (Prometheus text format), e.g.
    /// <c>http://127.0.0.1:9464</c>; every other path there is 404 and the API is not served on it. Port <c>0</c> picks
    /// a free port (logged at start). The default is none: no metrics listener. Off rather than on loopback by default,
    /// because a fixed default port collides as soon as two nodes share a machine, and a scraper has to be told the
    /// address anyway; bind it to loopback or to a private interface only, since the figures are for operators.
    /// </summary>
    [RegularExpression("^https?://.+$", ErrorMessage = "MetricsUrl is an http:// address with a port, e.g. http://127.0.0.1:9464.")]
    public string? MetricsUrl { get; set; }

    /// <summary>
    /// Also answers <c>GET /metrics</c> on the server's own addresses (the public API port), anonymously. For hosts
    /// that can expose only one port; then restrict <c>/metrics</c> at the load balancer. The default is <c>false</c>:
    /// on the public port <c>/metrics</c> is 404.
    /// </summary>
    public bool MetricsOnMainPort { get; set; }

    /// <summary>
    /// The OpenTelemetry collector that receives traces (REST requests, socket frames, group commits) and metrics over
    /// OTLP, e.g. <c>http://otel-collector:4317</c>. Without it the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// environment variable is used; with neither, nothing is exported and no span is recorded. The default is none.
    /// </summary>
    [RegularExpression("^https?://.+$", ErrorMessage = "OtlpEndpoint is an http:// or https:// address.")]
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// The OTLP transport: <c>grpc</c> (port 4317 by convention) or <c>http/protobuf</c> (port 4318; the endpoint is
    /// then the collector's root, <c>/v1/traces</c> and <c>/v1/metrics</c> are added). The default is <c>grpc</c>.
    /// </summary>
    [RegularExpression("^(grpc|http/protobuf)$")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// The share of traces recorded when an OTLP endpoint is set, from 0 to 1; a request or frame that arrives with a
    /// sampled <c>traceparent</c> is always recorded. The default is 1 (every trace).
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>
    /// How old the webhook backlog figures (<c>tokenim_webhook_deliveries</c>) may get: a scrape older than this starts
    /// one count of pending and dead deliveries on every database, and is answered with the last figures meanwhile, so
    /// scrapes never query the store themselves. The default is 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan WebhookBacklogMaxAge { get; set; } = TimeSpan.FromSeconds(5);
}
