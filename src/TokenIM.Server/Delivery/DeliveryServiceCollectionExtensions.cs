namespace TokenIM.Server.Delivery;

internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>The registry of this node's sockets and the bus subscriber that feeds them.</summary>
    public static IServiceCollection AddTokenImDelivery(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionRegistry>();
        services.AddHostedService<Deliverer>();
        return services;
    }
}
