using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.Webhooks;

internal static class WebhookTestHelpers
{
    /// <summary>Short retry clocks, so an outage of a second covers several attempts.</summary>
    public static void UseFastWebhooks(this TokenImFactory factory, int maxAttempts = 100)
    {
        factory.Settings["TokenIM:Webhooks:RetryBase"] = "00:00:00.050";
        factory.Settings["TokenIM:Webhooks:RetryCap"] = "00:00:00.200";
        factory.Settings["TokenIM:Webhooks:PollInterval"] = "00:00:00.050";
        factory.Settings["TokenIM:Webhooks:Timeout"] = "00:00:05";
        factory.Settings["TokenIM:Webhooks:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<(TokenImServerClient Server, CreatedWebhookEndpoint Endpoint)> CreateEndpointAsync(
        this TokenImFactory factory, WebhookReceiver receiver, params string[] events)
    {
        var server = await factory.ServerClientAsync(ServerScopes.WebhooksManage, ServerScopes.UsersWrite);
        var endpoint = await server.CreateWebhookAsync(receiver.Url.AbsoluteUri, events, "test receiver");
        return (server, endpoint);
    }
}
