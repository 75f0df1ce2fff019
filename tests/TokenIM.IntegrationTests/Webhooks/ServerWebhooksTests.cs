using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.Webhooks;

/// <summary>Managing endpoints through the server API: validation, the secret shown once, changes, deletion.</summary>
public sealed class ServerWebhooksTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("/relative/hook")]
    [InlineData("https://user:pass@example.com/hook")]
    [InlineData("not a url")]
    public async Task Create_BadUrl_Is400OnUrl(string url)
    {
        var server = await factory.ServerClientAsync(ServerScopes.WebhooksManage);

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => server.CreateWebhookAsync(url, [WebhookEventTypes.MessageCreated]));

        Assert.Equal("validation_failed", error.Code);
        Assert.True(error.Problem.Errors!.ContainsKey("url"));
    }

    [Theory]
    [InlineData("message.*")]
    [InlineData("message.deleted")]
    public async Task Create_UnknownEventType_Is400ListingTheTypes(string type)
    {
        var server = await factory.ServerClientAsync(ServerScopes.WebhooksManage);

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => server.CreateWebhookAsync("https://example.com/hook", [type]));

        Assert.Contains(WebhookEventTypes.MemberRemoved, Assert.Single(error.Problem.Errors!["events"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateListUpdateDelete_SecretShownOnceOnly()
    {
        var server = await factory.ServerClientAsync(ServerScopes.WebhooksManage);

        var created = await server.CreateWebhookAsync("https://example.com/hook", [WebhookEventTypes.UserCreated, WebhookEventTypes.MessageCreated], "crm sync");

        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        // Stored in documentation order, whatever order they were given in.
        Assert.Equal([WebhookEventTypes.MessageCreated, WebhookEventTypes.UserCreated], created.Endpoint.Events);
        Assert.True(created.Endpoint.Enabled);
        var listed = Assert.Single(await server.ListWebhooksAsync(), e => e.Id == created.Endpoint.Id);
        Assert.Equal("crm sync", listed.Description);
        var paused = await server.UpdateWebhookAsync(created.Endpoint.Id, new UpdateWebhookEndpointRequest(Enabled: false, Url: "https://example.com/v2"));
        Assert.Equal((false, "https://example.com/v2"), (paused.Enabled, paused.Url));
        var rolled = await server.RollWebhookSecretAsync(created.Endpoint.Id);
        Assert.NotEqual(created.Secret, rolled.Secret);

        await server.DeleteWebhookAsync(created.Endpoint.Id);

        var gone = await Assert.ThrowsAsync<TokenImApiException>(() => server.GetWebhookAsync(created.Endpoint.Id));
        Assert.Equal("webhook_not_found", gone.Code);
        Assert.DoesNotContain(await server.ListWebhooksAsync(), e => e.Id == created.Endpoint.Id);
    }

    [Fact]
    public async Task RolledSecret_SignsTheNextRequests()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (server, endpoint) = await factory.CreateEndpointAsync(receiver, WebhookEventTypes.UserCreated);
        var rolled = await server.RollWebhookSecretAsync(endpoint.Endpoint.Id);

        var user = await factory.RegisterAsync();

        await receiver.WaitUntilAsync(r => r.Any(x => x.Event.Data.User?.Id == user.Id), "the user's event arrived");
        var request = receiver.Received.First(x => x.Event.Data.User?.Id == user.Id);
        Assert.True(WebhookSignature.Verify(rolled.Secret, request.Headers[WebhookSignature.Header], request.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify(endpoint.Secret, request.Headers[WebhookSignature.Header], request.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        await server.DeleteWebhookAsync(endpoint.Endpoint.Id);
    }
}

/// <summary>With <c>AllowPrivateNetworks=false</c>, internal targets are refused when created and when connected to.</summary>
public sealed class WebhookPrivateNetworkTests : IAsyncLifetime
{
    private readonly TokenImFactory _factory = new();

    public ValueTask InitializeAsync()
    {
        _factory.Settings["TokenIM:Webhooks:AllowPrivateNetworks"] = "false";
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://192.168.0.10/hook")]
    public async Task Create_InternalAddress_Is400(string url)
    {
        var server = await _factory.ServerClientAsync(ServerScopes.WebhooksManage);

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => server.CreateWebhookAsync(url, [WebhookEventTypes.UserCreated]));

        Assert.Contains("AllowPrivateNetworks", Assert.Single(error.Problem.Errors!["url"]), StringComparison.Ordinal);
    }
}
