using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Hosting;
using TokenIM.Server.Http;

namespace TokenIM.Server.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>Exactly <c>/metrics</c> (a path under it is not the scrape: 404).</summary>
    public static bool IsScrape(HttpContext context) => context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal);

    /// <summary>
    /// Metrics and traces (<c>TokenIM:Telemetry</c>): the instruments the stages record into, the providers built from
    /// the settings, the separate scrape listener, and the request hooks of the main pipeline (first in it).
    /// </summary>
    public static IServiceCollection AddTokenImTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<TokenImOptions>, TelemetryOptionsValidator>();
        services.AddSingleton<TokenImMetrics>();
        services.AddSingleton<WebhookBacklog>();
        services.AddSingleton<ObservedMetrics>();
        services.AddSingleton<TelemetryProviders>();
        services.AddSingleton<MetricsListener>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsListener>());
        services.AddTransient<IStartupFilter, TelemetryStartupFilter>();
        return services;
    }

    /// <summary>Puts the telemetry's request handling before the application's own pipeline.</summary>
    private sealed class TelemetryStartupFilter(TelemetryProviders providers, ObservedMetrics observed, IOptions<TokenImOptions> options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            GC.KeepAlive(observed);
            app.Use(static (context, nextMiddleware) =>
            {
                // A socket's upgrade request lasts as long as the socket: in the request-duration histogram it would
                // only bury the REST figures. Its frames are measured by the gateway's own instruments.
                if (TelemetryProviders.IsUpgrade(context) && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>() is { } tags)
                    tags.MetricsDisabled = true;
                return nextMiddleware(context);
            });
            if (options.Value.Telemetry.MetricsOnMainPort && providers.Meters is not null)
            {
                app.UseOpenTelemetryPrometheusScrapingEndpoint(providers.Meters, IsScrape, path: null, configureBranchedPipeline: null, optionsName: null);
            }
            else
            {
                // Not the web client's index.html, which a scraper pointed at the public port would otherwise get.
                app.MapWhen(IsScrape, branch => branch.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Problems.WriteAsync(context, ErrorCode.NotFound);
                }));
            }

            next(app);
        };
    }

    /// <summary>The data annotations of <c>TokenIM:Telemetry</c>, checked at start-up with the other sections.</summary>
    private sealed class TelemetryOptionsValidator : IValidateOptions<TokenImOptions>
    {
        public ValidateOptionsResult Validate(string? name, TokenImOptions options)
        {
            var results = new List<ValidationResult>();
            var settings = options.Telemetry;
            Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
            var failures = results.Select(r => $"{TokenImOptions.Section}:Telemetry:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}").ToList();
            if (settings.MetricsUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var metrics) || metrics.AbsolutePath != "/"))
                failures.Add($"{TokenImOptions.Section}:Telemetry:MetricsUrl: '{url}' is not an address like http://127.0.0.1:9464 (no path).");
            if (settings.OtlpEndpoint is { } otlp && !Uri.TryCreate(otlp, UriKind.Absolute, out _))
                failures.Add($"{TokenImOptions.Section}:Telemetry:OtlpEndpoint: '{otlp}' is not an absolute address.");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
