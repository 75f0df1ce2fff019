using System.CommandLine;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Webhooks;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim admin webhooks</c> against the real binary, over its local socket.</summary>
public sealed class AdminWebhookCommandTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static T Read<T>(string output) => JsonSerializer.Deserialize<T>(output, Api.Json)!;

    [Fact]
    public async Task AdminWebhooks_CreateListDeliveriesDelete_EachPrintsJson()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        string[] local = ["--local", server.SocketPath];

        var create = await RunAsync(["admin", "webhooks", "create", "--endpoint", receiver.Url.AbsoluteUri, "--events", "user.created", .. local]);
        Assert.True(create.Exit == 0, create.Error);
        var endpoint = Read<CreatedWebhookEndpoint>(create.Output);
        Assert.StartsWith("whsec_", endpoint.Secret, StringComparison.Ordinal);
        var list = await RunAsync(["admin", "webhooks", "list", .. local]);
        Assert.Contains(Read<WebhookEndpointList>(list.Output).Endpoints, e => e.Id == endpoint.Endpoint.Id);

        var user = await RunAsync(["admin", "users", "create", "--username", server.NextUsername("hooked"), .. local]);
        Assert.True(user.Exit == 0, user.Error);
        await receiver.WaitUntilAsync(r => r.Count(x => x.Accepted) == 1, "the user's event arrived");
        WebhookDeliveryPage page = new([], null);
        await TwoNodes.WaitUntilAsync(async () =>
        {
            page = Read<WebhookDeliveryPage>((await RunAsync(["admin", "webhooks", "deliveries", endpoint.Endpoint.Id, "--state", "delivered", .. local])).Output);
            return page.Deliveries.Count == 1;
        }, "the delivery log shows it delivered");
        Assert.Equal(("user.created", 1, 200), (page.Deliveries[0].EventType, page.Deliveries[0].Attempts, page.Deliveries[0].LastStatusCode));

        var delete = await RunAsync(["admin", "webhooks", "delete", endpoint.Endpoint.Id, .. local]);
        Assert.True(delete.Exit == 0, delete.Error);
        Assert.DoesNotContain(Read<WebhookEndpointList>(delete.Output).Endpoints, e => e.Id == endpoint.Endpoint.Id);
    }
}
