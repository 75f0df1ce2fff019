namespace TokenIM.Server.Hooks;

internal static class HooksServiceCollectionExtensions
{
    public static IServiceCollection AddTokenImHooks(this IServiceCollection services)
    {
        services.AddSingleton<BeforeSendHook>();
        services.AddHttpClient(BeforeSendHook.HttpClientName, client =>
            {
                // The hook's own timeout (a linked token) bounds each call; this is only the client's upper bound.
                client.Timeout = TimeSpan.FromSeconds(60);
                client.MaxResponseContentBufferSize = BeforeSendHook.MaxAnswerBytes;
            })
            // A redirect would carry message text somewhere the operator did not configure.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return services;
    }
}
