namespace TokenIM.Server.Stats;

internal static class StatsServiceCollectionExtensions
{
    /// <summary>Live statistics: the traffic counters, this node's sampler and the cluster's view (the server API's <c>/stats</c>).</summary>
    public static IServiceCollection AddTokenImStats(this IServiceCollection services)
    {
        services.AddSingleton<NodeCounters>();
        services.AddSingleton<NodeStats>();
        services.AddSingleton<ClusterStats>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterStats>());
        return services;
    }
}
