namespace TokenIM.Server.Webhooks;

internal static class WebhookServiceCollectionExtensions
{
    /// <summary>The endpoint list, the outbox the stores write to, and the dispatcher that delivers it.</summary>
    public static IServiceCollection AddTokenImWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSubscriptions>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookSubscriptions>());
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookEndpointService>();
        services.AddSingleton(new WebhookJitter(new Random()));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<WebhookDeliveryLog>();
        services.AddHttpClient(WebhookSender.ClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.TokenImOptions>>().Value.Webhooks.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(WebhookSender.CreateHandler);
        return services;
    }
}
