using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Hosting;

/// <summary>
/// Rate limits through two nodes joined by a real Redis: one budget for the cluster, so a client that spreads its
/// requests over the nodes gets no more than through one.
/// </summary>
public sealed class SharedRateLimitsTests : IAsyncLifetime
{
    private TwoNodes? _nodes;

    private LiveTokenImFactory First => _nodes!.First;

    private LiveTokenImFactory Second => _nodes!.Second;

    public ValueTask InitializeAsync()
    {
        _nodes = TwoNodes.Start(
            ("TokenIM:RateLimits:Enabled", "true"),
            ("TokenIM:RateLimits:MessagesPerUserPerSecond", "1"),
            ("TokenIM:RateLimits:FailedLoginsPerAccountPerHour", "2"),
            ("TokenIM:RateLimits:AuthRequestsPerAddressPerMinute", "2"));
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SendThrottle_BudgetSpentOnBothNodes_NextSendRefused()
    {
        var alice = await First.RegisterAsync();
        var bob = await First.RegisterAsync();
        var conversation = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        using var onFirst = TwoNodes.ClientOf(First, alice);
        using var onSecond = TwoNodes.ClientOf(Second, alice);

        // A burst of twice the rate (2): one through each node, then the third is over the shared budget.
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(onFirst, conversation.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(onSecond, conversation.Id)).StatusCode);

        await (await SendAsync(onFirst, conversation.Id)).ReadProblemAsync(ErrorCode.RateLimited);
    }

    [Fact]
    public async Task LoginThrottle_FailuresOnBothNodes_NextAttemptRefusedUnevaluated()
    {
        var alice = await First.RegisterAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(First, alice.Username, "wrong password one")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(Second, alice.Username, "wrong password two")).StatusCode);

        // Even the right password is not evaluated past the account's failures, whichever node counted them.
        await (await LoginAsync(First, alice.Username, alice.Password)).ReadProblemAsync(ErrorCode.RateLimited);
    }

    [Fact]
    public async Task AuthPolicy_AddressBudgetSpentOnBothNodes_NextRequestRefused()
    {
        var alice = await First.RegisterAsync();

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(First, alice.Username, alice.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(Second, alice.Username, alice.Password)).StatusCode);

        var refused = await LoginAsync(First, alice.Username, alice.Password);
        await refused.ReadProblemAsync(ErrorCode.RateLimited);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task SendThrottle_RedisUnreachable_FallsBackToThisNodesBudget()
    {
        // A node whose Redis is down from the start (nothing listens on the port): local limits, never none.
        await using var node = new LiveTokenImFactory();
        node.Settings["TokenIM:Bus:Provider"] = "Redis";
        node.Settings["TokenIM:Bus:RedisConfiguration"] = $"127.0.0.1:{LiveTokenImFactory.FreePort()},connectTimeout=200";
        node.Settings["TokenIM:RateLimits:Enabled"] = "true";
        node.Settings["TokenIM:RateLimits:MessagesPerUserPerSecond"] = "1";
        var alice = await node.RegisterAsync();
        var bob = await node.RegisterAsync();
        var conversation = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(alice.Client, conversation.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(alice.Client, conversation.Id)).StatusCode);

        await (await SendAsync(alice.Client, conversation.Id)).ReadProblemAsync(ErrorCode.RateLimited);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string conversationId) =>
        client.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new SendMessageRequest(Guid.NewGuid().ToString("N"), "counted"));

    private static async Task<HttpResponseMessage> LoginAsync(LiveTokenImFactory node, string username, string password)
    {
        using var client = new HttpClient { BaseAddress = node.BaseUri };
        return await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(username, password, "test"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_nodes is not null)
            await _nodes.DisposeAsync();
    }
}
