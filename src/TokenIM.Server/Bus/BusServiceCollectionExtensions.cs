namespace TokenIM.Server.Bus;

internal static class BusServiceCollectionExtensions
{
    /// <summary>The in-memory bus (one node). Scale-out replaces it with the Redis bus.</summary>
    public static IServiceCollection AddTokenImBus(this IServiceCollection services) => services.AddSingleton<IBus, InMemoryBus>();
}
