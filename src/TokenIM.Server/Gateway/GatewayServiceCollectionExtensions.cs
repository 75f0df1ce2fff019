namespace TokenIM.Server.Gateway;

internal static class GatewayServiceCollectionExtensions
{
    /// <summary>The WebSocket gateway: connection handling, frame dispatch, expiry checks and graceful shutdown.</summary>
    public static IServiceCollection AddTokenImGateway(this IServiceCollection services)
    {
        services.AddSingleton<FrameDispatcher>();
        services.AddSingleton<ConnectionHandler>();
        services.AddSingleton<GatewayLifetime>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayLifetime>());
        return services;
    }
}
