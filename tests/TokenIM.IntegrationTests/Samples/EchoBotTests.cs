using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Samples.EchoBot;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.Samples;

/// <summary>
/// The two echo bots of docs/integration.md, run as the guide runs them: the C# one (samples/EchoBot, on webhooks and
/// the SDK) and the curl one (samples/echo-bot.sh, polling). Users talk to them from the real SDK over the socket.
/// </summary>
public sealed class EchoBotTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly LiveTokenImFactory _server = new();
    private readonly List<IAsyncDisposable> _cleanup = [];

    [Fact]
    public async Task WebhookBot_MessageInItsConversation_IsEchoedOnceAsTheBot()
    {
        using var admin = await _server.ServerClientAsync();
        var bot = await admin.CreateUserAsync(new ServerCreateUserRequest(_server.NextUsername("echo"), "Echo", "echo-bot", IsBot: true));
        // As the guide: the endpoint first (its secret configures the bot), pointed at the bot once it listens.
        var endpoint = await admin.CreateWebhookAsync(
            "http://127.0.0.1:9/", [WebhookEventTypes.MessageCreated, WebhookEventTypes.MemberAdded, WebhookEventTypes.MemberRemoved]);
        var botUri = await StartWebhookBotAsync(bot.Id, endpoint.Secret, await _server.CreateKeyAsync(ServerScopes.MessagesWrite, ServerScopes.ConversationsRead));
        await admin.UpdateWebhookAsync(endpoint.Endpoint.Id, new UpdateWebhookEndpointRequest(Url: new Uri(botUri, EchoBotApp.WebhookPath).ToString()));

        var alice = await ConnectedDeviceAsync(1);
        var withBot = await alice.Rest.CreateDirectConversationAsync(bot.Id);
        var withoutBot = await alice.Rest.CreateGroupAsync("no bots here", []);

        await alice.Realtime.SendAsync(withoutBot.Id, "nobody answers this");
        await alice.Realtime.SendAsync(withBot.Id, "hello 你好 <b>");
        await alice.Log.WaitForAsync(withBot.Id, 2, s_timeout, "alice");

        var echo = alice.Log.Of(withBot.Id)[1];
        Assert.Equal(bot.Id, echo.SenderId);
        Assert.Equal("hello 你好 <b>", echo.Text);
        // The event of the bot-less group was delivered (the delivery log says so) and answered with nothing.
        await TwoNodes.WaitUntilAsync(
            async () => (await admin.ListWebhookDeliveriesAsync(endpoint.Endpoint.Id)).Deliveries
                .Count(d => d.State == "delivered" && d.EventType == WebhookEventTypes.MessageCreated) >= 3,
            "the three message.created events were delivered");
        Assert.Single(await alice.StoredMessagesAsync(withoutBot.Id));
    }

    [Fact]
    public async Task WebhookBot_SameEventTwiceOrForged_AnswersOnceAndRefusesTheForgery()
    {
        using var admin = await _server.ServerClientAsync();
        var bot = await admin.CreateUserAsync(new ServerCreateUserRequest(_server.NextUsername("echo"), "Echo", IsBot: true));
        const string secret = "whsec_the-test-knows-this-one";
        var botUri = await StartWebhookBotAsync(bot.Id, secret, await _server.CreateKeyAsync(ServerScopes.MessagesWrite, ServerScopes.ConversationsRead));
        var alice = await ConnectedDeviceAsync(2);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bot.Id);
        var sent = await alice.Rest.SendMessageAsync(conversation.Id, "ping", "k-1");
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WebhookEvent("evt_0123456789abcdef0123456789abcdef", WebhookEventTypes.MessageCreated, sent.CreatedAt, new WebhookEventData(Message: sent)),
            ProtocolJsonContext.Default.WebhookEvent);
        using var http = new HttpClient { BaseAddress = botUri };

        var forged = await PostAsync(http, body, WebhookSignature.Sign("whsec_not-the-secret", DateTimeOffset.UtcNow, body));
        var stale = await PostAsync(http, body, WebhookSignature.Sign(secret, DateTimeOffset.UtcNow.AddMinutes(-10), body));
        var first = await PostAsync(http, body, WebhookSignature.Sign(secret, DateTimeOffset.UtcNow, body));
        var again = await PostAsync(http, body, WebhookSignature.Sign(secret, DateTimeOffset.UtcNow, body));

        Assert.Equal((401, 401, 204, 204), (forged, stale, first, again));
        var stored = await alice.StoredMessagesAsync(conversation.Id);
        Assert.Equal(["ping", "ping"], stored.Select(m => m.Text));
        Assert.Equal(bot.Id, stored[1].SenderId);
    }

    [Fact]
    public async Task CurlBot_MessagesInItsConversations_AreEchoedInOrder()
    {
        using var admin = await _server.ServerClientAsync();
        var bot = await admin.CreateUserAsync(new ServerCreateUserRequest(_server.NextUsername("echo"), "Echo", IsBot: true));
        var key = await _server.CreateKeyAsync(ServerScopes.TokensMint, ServerScopes.MessagesWrite);
        var alice = await ConnectedDeviceAsync(3);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bot.Id);
        await using var script = StartCurlBot(key, bot.Id);

        string[] texts = ["one", "two \"quoted\" \\ and\nnew line", "三 ✓"];
        foreach (var text in texts)
            await alice.Realtime.SendAsync(conversation.Id, text);
        await alice.Log.WaitForAsync(conversation.Id, 6, s_timeout, "alice");

        var stored = await alice.StoredMessagesAsync(conversation.Id);
        Assert.Equal(texts, stored.Where(m => m.SenderId == bot.Id).Select(m => m.Text));
        Assert.Equal(6, stored.Count);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
            await _cleanup[i].DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<Uri> StartWebhookBotAsync(string botUserId, string secret, string apiKey)
    {
        var app = EchoBotApp.Create([
            "--urls", "http://127.0.0.1:0",
            $"--EchoBot:TokenImUrl={_server.BaseUri}",
            $"--EchoBot:ApiKey={apiKey}",
            $"--EchoBot:BotUserId={botUserId}",
            $"--EchoBot:WebhookSecret={secret}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        _cleanup.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    private async Task<SdkDevice> ConnectedDeviceAsync(int seed)
    {
        var device = await SdkDevice.RegisterAsync(_server, seed, "alice");
        _cleanup.Add(device);
        await device.ConnectAsync();
        return device;
    }

    private CurlBot StartCurlBot(string apiKey, string botUserId)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "samples", "echo-bot.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["TOKENIM_URL"] = _server.BaseUri.ToString();
        start.Environment["TOKENIM_API_KEY"] = apiKey;
        start.Environment["BOT_USER_ID"] = botUserId;
        start.Environment["POLL_SECONDS"] = "0.2";
        return new CurlBot(Process.Start(start)!);
    }

    private static async Task<int> PostAsync(HttpClient http, byte[] body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EchoBotApp.WebhookPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookSignature.Header, signature);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>The running script; stopped (and its stderr shown on failure) when the test ends.</summary>
    private sealed class CurlBot(Process process) : IAsyncDisposable
    {
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var stderr = await _stderr;
            TestContext.Current.TestOutputHelper?.WriteLine(Encoding.UTF8.GetByteCount(stderr) > 0 ? stderr : "(the bot wrote nothing to stderr)");
            process.Dispose();
        }
    }
}
