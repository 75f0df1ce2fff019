using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Hosting;

/// <summary><c>/health/live</c> and <c>/health/ready</c>: what a load balancer asks each node.</summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(TokenImFactory node, string path)
    {
        var response = await node.CreateClient().GetAsync(path, TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (response.StatusCode, json.RootElement.Clone());
    }

    [Fact]
    public async Task Ready_RunningNode_Returns200WithEveryCheck()
    {
        await using var node = new TokenImFactory();

        var (status, body) = await GetAsync(node, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order().ToArray();
        Assert.Equal(["bus", "draining", "store"], checks);
    }

    [Fact]
    public async Task Live_RunningNode_Returns200WithoutCredentials()
    {
        await using var node = new TokenImFactory();

        var (status, body) = await GetAsync(node, "/health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_AfterStopBegins_Returns503WhileStillServing()
    {
        var node = new LiveTokenImFactory();
        // Long enough for the requests below; the node keeps answering for this long after stopping begins.
        node.Settings["TokenIM:Health:DrainDelay"] = "00:00:03";
        _ = node.BaseUri;
        using var client = new HttpClient { BaseAddress = node.BaseUri };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);

        node.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var live = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"draining\":\"Unhealthy\"", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await node.DisposeAsync();
    }

    [Fact]
    public async Task Ready_RedisConfiguredButUnreachable_Returns503()
    {
        await using var node = new TokenImFactory();
        node.Settings["TokenIM:Bus:Provider"] = "Redis";
        // A port nothing listens on: the node starts anyway (sends still commit) but must not get traffic.
        node.Settings["TokenIM:Bus:RedisConfiguration"] = $"127.0.0.1:{LiveTokenImFactory.FreePort()},connectTimeout=500";

        var (status, body) = await GetAsync(node, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("bus").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("store").GetString());
        Assert.DoesNotContain("127.0.0.1", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_RedisReachable_Returns200()
    {
        var redis = Environment.GetEnvironmentVariable("TOKENIM_REDIS");
        Assert.SkipWhen(redis is null, "TOKENIM_REDIS is not set (scripts/test.sh starts a Redis on loopback and sets it).");
        await using var node = new TokenImFactory();
        node.Settings["TokenIM:Bus:Provider"] = "Redis";
        node.Settings["TokenIM:Bus:RedisConfiguration"] = redis;

        var (status, _) = await GetAsync(node, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Ready_ManyRequestsWithRateLimitsOn_NeverLimited()
    {
        await using var node = new TokenImFactory();
        node.Settings["TokenIM:RateLimits:Enabled"] = "true";
        node.Settings["TokenIM:RateLimits:AuthRequestsPerAddressPerMinute"] = "1";
        var client = node.CreateClient();

        for (var i = 0; i < 100; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_LeavesOutHealthEndpoints()
    {
        await using var node = new TokenImFactory();

        var document = await node.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.DoesNotContain("/health/", document, StringComparison.Ordinal);
    }
}
