using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Bus;

internal static class BusServiceCollectionExtensions
{
    /// <summary>The bus of <c>TokenIM:Bus:Provider</c>: in memory for one node (the default), Redis for several.</summary>
    public static IServiceCollection AddTokenImBus(this IServiceCollection services) =>
        services.AddSingleton<IBus>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<TokenImOptions>>().Value.Bus;
            return settings.Provider == "Redis"
                ? new RedisBus(settings.RedisConfiguration!, sp.GetRequiredService<ILogger<RedisBus>>())
                : new InMemoryBus();
        });
}
