using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Admin;

/// <summary>
/// The admin console end to end: an admin signs in and watches live charts under traffic, manages users (disable,
/// sign out everywhere), API keys (the secret shown once) and sees webhook deliveries and a conversation's members;
/// a non-admin never sees the console's entry.
/// </summary>
public sealed partial class AdminConsoleTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A browser signed in as a new admin, the console open on its Overview.</summary>
    private async Task<(ChatApp App, AdminConsolePage Console)> AdminAsync()
    {
        var app = new ChatApp(await NewUserPageAsync("admin", 1400, 1000));
        var name = Server.NextUsername("admin");
        await app.SignUpAsync(name);
        await Server.MakeAdminAsync(name);
        // The role is read from users/me when the signed-in app starts: a reload (the session survives it) reads it again.
        await app.Page.ReloadAsync();
        var console = new AdminConsolePage(app.Page);
        await console.OpenAsync();
        return (app, console);
    }

    [Fact]
    public async Task Overview_TrafficFlows_ChartsDrawPointsAndNodeIsListed()
    {
        var (_, console) = await AdminAsync();
        var (alice, aliceClient) = await Server.SignedInAsync(Server.NextUsername("alice"));
        var (bob, _) = await Server.SignedInAsync(Server.NextUsername("bob"));
        var direct = await (await aliceClient.PostAsJsonAsync("api/v1/conversations",
            new CreateConversationRequest(ConversationTypes.Direct, PeerId: bob.Id), AdminSetup.Json, Ct)).ReadAsync<ConversationDto>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var sent = await aliceClient.PostAsJsonAsync($"api/v1/conversations/{direct.Id}/messages",
                    new SendMessageRequest($"load-{i}", $"message {i}"), AdminSetup.Json, stop.Token);
                await Task.Delay(20, stop.Token);
            }
        }, stop.Token);

        try
        {
            // The messages chart shows a rate above zero once the node's 10-second window holds sends.
            await Expect(console.Page.GetByTestId("chart-messages-latest")).ToHaveTextAsync(NonZeroRate(), new() { Timeout = 30_000 });
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => traffic);
        }

        Assert.All(await console.PointsAsync("messages"), p => Assert.True(p >= 2, $"messages chart has {p} points"));
        Assert.True((await console.PointsAsync("sockets")).All(p => p >= 2));
        Assert.True((await console.PointsAsync("heap")).All(p => p >= 2));
        Assert.True(double.Parse((await console.Chart("messages").Locator("svg").GetAttributeAsync("data-top"))!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The admin's own browser holds a socket.
        await Expect(console.Page.GetByTestId("chart-sockets-latest")).ToHaveTextAsync(new Regex(@"^sockets [1-9]"));

        await console.Tab("Nodes").ClickAsync();
        await Expect(console.Page.GetByTestId("node-row")).ToHaveCountAsync(1);
        await Expect(console.Page.GetByTestId("node-row")).ToContainTextAsync(Environment.MachineName);
    }

    [Fact]
    public async Task Users_DisableAndSignOutEverywhere_EndTheirSessions()
    {
        var (_, console) = await AdminAsync();
        var victim = new ChatApp(await NewUserPageAsync("victim"));
        var victimName = Server.NextUsername("victim");
        await victim.SignUpAsync(victimName);
        var carol = new ChatApp(await NewUserPageAsync("carol"));
        var carolName = Server.NextUsername("carol");
        await carol.SignUpAsync(carolName);

        await console.FindUserAsync(victimName);
        await console.UserRow(victimName).GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(console.UserRow(victimName)).ToHaveAttributeAsync("data-disabled", "true");
        await Expect(victim.SignInButton).ToBeVisibleAsync();
        using var anonymous = Server.Client(null);
        var login = await anonymous.PostAsJsonAsync("api/v1/auth/login", new LoginRequest(victimName, ChatApp.Password), AdminSetup.Json, Ct);
        Assert.Contains(ErrorCode.UserDisabled.Code, await login.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await console.FindUserAsync(carolName);
        await console.UserRow(carolName).GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere", Exact = true }).ClickAsync();
        await Expect(console.Page.GetByTestId("admin-user-status")).ToHaveTextAsync($"@{carolName} is signed out everywhere.");
        await Expect(carol.SignInButton).ToBeVisibleAsync();
        await Expect(console.UserRow(carolName)).ToHaveAttributeAsync("data-disabled", "false");
    }

    [Fact]
    public async Task ApiKeys_Create_SecretShownOnceWorksUntilRevoked()
    {
        var (_, console) = await AdminAsync();
        await console.Tab("API keys").ClickAsync();
        await console.Page.GetByLabel("Name", new() { Exact = true }).FillAsync("grafana");
        await console.Button("Create API key").ClickAsync();

        var token = await console.Page.GetByTestId("admin-key-token").TextContentAsync();
        Assert.StartsWith("tim_", token, StringComparison.Ordinal);
        using var withKey = Server.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync("api/v1/server/stats", Ct)).StatusCode);
        await console.Tab("Overview").ClickAsync();
        await console.Tab("API keys").ClickAsync();
        await Expect(console.Page.GetByTestId("admin-key-row").And(console.Page.Locator("[data-key-name='grafana']"))).ToBeVisibleAsync();
        await Expect(console.Page.GetByTestId("admin-key-secret")).ToHaveCountAsync(0);

        await console.Button("Revoke grafana").ClickAsync();

        await Expect(console.Page.Locator("[data-key-name='grafana']")).ToHaveAttributeAsync("data-revoked", "true");
        Assert.Equal(HttpStatusCode.Unauthorized, (await withKey.GetAsync("api/v1/server/stats", Ct)).StatusCode);
    }

    [Fact]
    public async Task WebhooksAndConversations_DeliveryInTheLog_MembersOfAGroup()
    {
        using var receiver = new HttpListener();
        var port = FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        _ = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                var context = await receiver.GetContextAsync();
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        }, Ct);
        using var serverApi = await Server.ServerApiAsync();
        (await serverApi.PostAsJsonAsync("api/v1/server/webhooks",
            new CreateWebhookEndpointRequest($"http://127.0.0.1:{port}/hook", [Protocol.Webhooks.WebhookEventTypes.UserCreated]), AdminSetup.Json, Ct)).EnsureSuccessStatusCode();
        var (owner, ownerClient) = await Server.SignedInAsync(Server.NextUsername("owner"));
        var (peer, _) = await Server.SignedInAsync(Server.NextUsername("peer"));
        var title = $"Falcon {Server.NextUsername("p")}";
        await (await ownerClient.PostAsJsonAsync("api/v1/conversations",
            new CreateConversationRequest(ConversationTypes.Group, Title: title, MemberIds: [peer.Id]), AdminSetup.Json, Ct)).ReadAsync<ConversationDto>();
        var (_, console) = await AdminAsync();

        await console.Tab("Webhooks").ClickAsync();
        await console.Page.GetByTestId("admin-webhook-row").GetByRole(AriaRole.Button, new() { Name = "Delivery log", Exact = true }).ClickAsync();
        await Expect(console.Page.GetByTestId("admin-delivery-row").And(console.Page.Locator("[data-event-type='user.created']")).First).ToBeVisibleAsync();

        await console.Tab("Conversations").ClickAsync();
        await console.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Find conversations", Exact = true }).FillAsync(title.ToLowerInvariant());
        await console.Button("Find").ClickAsync();
        await Expect(console.Page.GetByTestId("admin-conversation-row")).ToHaveCountAsync(1);
        await console.Page.GetByTestId("admin-conversation-row").GetByRole(AriaRole.Button, new() { Name = "Members", Exact = true }).ClickAsync();
        var members = console.Page.GetByTestId("admin-member-row");
        await Expect(members).ToHaveCountAsync(2);
        await Expect(members.Filter(new() { HasText = $"@{owner.Username}" })).ToContainTextAsync("owner");
        await Expect(members.Filter(new() { HasText = $"@{peer.Username}" })).ToContainTextAsync("member");
    }

    [Fact]
    public async Task Shell_NonAdmin_NoConsoleEntry()
    {
        var app = new ChatApp(await NewUserPageAsync("user"));
        var me = app.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/v1/users/me", StringComparison.Ordinal));

        await app.SignUpAsync(Server.NextUsername("plain"));
        await me;

        await Expect(app.Button("Sessions")).ToBeVisibleAsync();
        await Expect(new AdminConsolePage(app.Page).Entry).ToHaveCountAsync(0);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^msgs/s (?!0$)(?!–)\S+$")]
    private static partial Regex NonZeroRate();
}
