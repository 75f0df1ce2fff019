using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Bus;

internal static class BusServiceCollectionExtensions
{
    /// <summary>The bus of <c>TokenIM:Bus:Provider</c>: in memory for one node (the default), Redis for several.</summary>
    public static IServiceCollection AddTokenImBus(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<TokenImOptions>>().Value.Bus;
            return new RedisConnection(settings.RedisConfiguration!, settings.KeyPrefix);
        });
        return services.AddSingleton<IBus>(sp => IsRedis(sp)
            ? new RedisBus(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<ILogger<RedisBus>>())
            : new InMemoryBus());
    }

    /// <summary>Whether this node is one of several joined by Redis (<c>TokenIM:Bus:Provider=Redis</c>).</summary>
    public static bool IsRedis(IServiceProvider services) => IsRedis(services.GetRequiredService<IOptions<TokenImOptions>>().Value);

    /// <inheritdoc cref="IsRedis(IServiceProvider)"/>
    public static bool IsRedis(TokenImOptions options) => options.Bus.Provider == "Redis";
}
