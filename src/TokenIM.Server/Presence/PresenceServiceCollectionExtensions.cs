using TokenIM.Server.Bus;
using TokenIM.Server.Delivery;

namespace TokenIM.Server.Presence;

internal static class PresenceServiceCollectionExtensions
{
    /// <summary>Who is online: from this node's sockets on one node, from Redis (with the heartbeat) on several.</summary>
    public static IServiceCollection AddTokenImPresence(this IServiceCollection services)
    {
        services.AddSingleton<RedisPresence>();
        services.AddSingleton<IPresenceRegistry>(sp => BusServiceCollectionExtensions.IsRedis(sp)
            ? sp.GetRequiredService<RedisPresence>()
            : new LocalPresence(sp.GetRequiredService<ConnectionRegistry>()));
        services.AddHostedService<PresenceHeartbeat>();
        return services;
    }
}
