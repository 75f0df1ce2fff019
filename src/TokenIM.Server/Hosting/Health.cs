using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Hosting;

/// <summary>
/// <c>GET /health/live</c> (the process answers) and <c>GET /health/ready</c> (this node should get traffic: not
/// draining, every store database reachable, and Redis connected when the bus uses it), for load balancers and
/// supervisors. Anonymous, never rate limited, left out of the OpenAPI document (they are not part of the API).
/// Bodies name each check and its status only: no exception text, which could carry a host name or a password.
/// </summary>
internal static class Health
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>The checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The store's checks, one per database: the storage layer registers them with <see cref="AddStoreCheck"/>.</summary>
    public const string StoreTag = "store";

    // A database that does not answer within this is as good as down for a load balancer checking every second or two.
    private static readonly TimeSpan s_checkTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddTokenImHealth(this IServiceCollection services)
    {
        services.AddSingleton<Draining>();
        services.AddHostedService(sp => sp.GetRequiredService<Draining>());
        // The drain delay comes on top of the time shutdown already has for closing sockets and committing sends.
        services.AddOptions<HostOptions>().Configure<IOptions<TokenImOptions>>((host, options) => host.ShutdownTimeout += options.Value.Health.DrainDelay);
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("draining", sp => sp.GetRequiredService<Draining>(), HealthStatus.Unhealthy, [ReadyTag]))
            .Add(new HealthCheckRegistration("bus", sp => ActivatorUtilities.CreateInstance<BusHealthCheck>(sp), HealthStatus.Unhealthy, [ReadyTag], s_checkTimeout));
        // The seam for the store: when the storage layer has registered checks of its own (a sharded store, one per
        // shard), those are the store's; otherwise the one database behind Func<TokenImDbContext> is checked.
        services.AddOptions<HealthCheckServiceOptions>().PostConfigure(options =>
        {
            if (!options.Registrations.Any(r => r.Tags.Contains(StoreTag)))
                options.Registrations.Add(StoreCheck("store", sp => sp.GetRequiredService<Func<TokenImDbContext>>()));
        });
        return services;
    }

    /// <summary>Adds a readiness check of one store database, reached through <paramref name="contexts"/>.</summary>
    public static IHealthChecksBuilder AddStoreCheck(this IHealthChecksBuilder builder, string name, Func<IServiceProvider, Func<TokenImDbContext>> contexts) =>
        builder.Add(StoreCheck(name, contexts));

    public static WebApplication MapTokenImHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static HealthCheckRegistration StoreCheck(string name, Func<IServiceProvider, Func<TokenImDbContext>> contexts) =>
        new(name, sp => new StoreHealthCheck(contexts(sp)), HealthStatus.Unhealthy, [ReadyTag, StoreTag], s_checkTimeout);

    /// <summary><c>{"status":"Unhealthy","checks":{"draining":"Unhealthy","store":"Healthy"}}</c>.</summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
            json.WriteString(name, entry.Status.ToString());
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
