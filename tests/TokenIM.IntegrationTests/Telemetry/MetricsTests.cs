using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Auth;
using TokenIM.Server.Telemetry;

namespace TokenIM.IntegrationTests.Telemetry;

/// <summary>
/// <c>/metrics</c> of a live server scraped in the Prometheus text format after real traffic: each figure moves by
/// exactly what the test did, the scrape listener serves nothing else, and the public port has no scrape endpoint
/// unless told to.
/// </summary>
public sealed class MetricsTests
{
    private const int Sends = 10;
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scrape_AfterTraffic_EachFigureMovedByWhatHappened()
    {
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:Telemetry:MetricsUrl"] = "http://127.0.0.1:0";
        factory.Settings["TokenIM:Telemetry:WebhookBacklogMaxAge"] = "00:00:00";
        factory.Settings["TokenIM:RateLimits:Enabled"] = "true";
        factory.Settings["TokenIM:RateLimits:AuthRequestsPerAddressPerMinute"] = "3";
        var (a, b, conversationId) = await factory.PairAsync();
        var metrics = MetricsUri(factory);
        // A receiver that refuses connections: every delivery stays pending (retried for ~40 minutes by default).
        var server = await factory.ServerClientAsync(ServerScopes.WebhooksManage);
        await server.CreateWebhookAsync($"http://127.0.0.1:{LiveTokenImFactory.FreePort()}/hook", [WebhookEventTypes.MessageCreated]);
        await using var sender = await factory.OpenAsync(a);
        await using var receiver = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(sender, receiver);
        var before = await ScrapeAsync(metrics);

        for (var i = 0; i < Sends; i++)
            await sender.SendAckedAsync(conversationId, $"metrics text {i}", $"m{i}", $"s{i}");
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(a.Username, "not the password"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest("nobody-here", "whatever it is"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(a.Username, a.Password))).StatusCode);
        // The fourth sign-in request from this address within the minute.
        await (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(a.Username, a.Password))).ReadProblemAsync(ErrorCode.RateLimited);

        (string Name, (string, string)[] Labels, double Delta)[] expected =
        [
            ("tokenim_messages_stored_total", [], Sends),
            ("tokenim_messages_delivered_total", [], Sends),
            ("tokenim_frames_received_total", [], Sends),
            ("tokenim_send_ack_duration_seconds_count", [], Sends),
            ("tokenim_send_deliver_duration_seconds_count", [], Sends),
            ("tokenim_store_commit_batch_size_sum", [("shard", "0")], Sends),
            ("tokenim_sign_in_failures_total", [("reason", "wrong_password")], 1),
            ("tokenim_sign_in_failures_total", [("reason", "unknown_user")], 1),
            ("tokenim_rate_limited_total", [("policy", "auth")], 1),
        ];
        (string Name, (string, string)[] Labels, double Value)[] levels =
        [
            ("tokenim_sockets_open", [], 2),
            ("tokenim_sockets_authenticated", [], 2),
            ("tokenim_users_connected", [], 2),
            ("tokenim_webhook_deliveries", [("state", "pending")], Sends),
            ("tokenim_webhook_deliveries", [("state", "dead")], 0),
        ];
        // The ack can reach the client a moment before its own latency is recorded, and the webhook deliveries are
        // made by the dispatcher and counted in the background: poll until every figure is in (or the deadline).
        PrometheusText after;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            after = await ScrapeAsync(metrics);
        }
        while (!(expected.All(e => after.Value(e.Name, e.Labels) - before.Value(e.Name, e.Labels) == e.Delta)
                 && levels.All(l => after.Value(l.Name, l.Labels) == l.Value))
               && waited.Elapsed < s_deadline && await Delay());

        foreach (var (name, labels, delta) in expected)
            Assert.True(after.Value(name, labels) - before.Value(name, labels) == delta, $"{name}{Describe(labels)} moved by {after.Value(name, labels) - before.Value(name, labels)}, expected {delta}");
        foreach (var (name, labels, value) in levels)
            Assert.True(after.Value(name, labels) == value, $"{name}{Describe(labels)} is {after.Value(name, labels)}, expected {value}");
        // One transaction per batch: as many commit latencies as batch sizes, at least one, at most one per send.
        var commits = after.Value("tokenim_store_commit_duration_seconds_count") - before.Value("tokenim_store_commit_duration_seconds_count");
        Assert.Equal(commits, after.Value("tokenim_store_commit_batch_size_count") - before.Value("tokenim_store_commit_batch_size_count"));
        Assert.InRange(commits, 1, Sends);
        // The explicit buckets (0.1 ms to 5 s), the types, and the runtime's figures.
        Assert.True(after.Value("tokenim_send_ack_duration_seconds_bucket", ("le", "+Inf")) >= Sends);
        Assert.True(after.Has("tokenim_send_ack_duration_seconds_bucket") && after.Value("tokenim_send_ack_duration_seconds_bucket", ("le", "5")) >= Sends);
        Assert.Equal("histogram", after.TypeOf("tokenim_send_ack_duration_seconds"));
        Assert.Equal("counter", after.TypeOf("tokenim_messages_stored_total"));
        Assert.Equal("gauge", after.TypeOf("tokenim_sockets_open"));
        Assert.True(after.Has("dotnet_gc_collections_total") && after.Has("dotnet_thread_pool_queue_length_total"), "runtime instrumentation missing");
        Assert.True(after.Value("http_server_request_duration_seconds_count", ("http_route", "/api/v1/auth/login")) >= 4);

        // A socket's upgrade request, once the socket is closed, is not a "request" that lasted minutes.
        await sender.DisposeAsync();
        await receiver.DisposeAsync();
        waited.Restart();
        do
        {
            after = await ScrapeAsync(metrics);
        }
        while (after.Value("tokenim_sockets_open") != 0 && waited.Elapsed < s_deadline && await Delay());
        Assert.Equal(0, after.Value("tokenim_sockets_open"));
        // A request after the sockets' ends, and a scrape that has counted it, so the upgrades would be counted too.
        var live = after.Value("http_server_request_duration_seconds_count", ("http_route", "/health/live"));
        await anonymous.GetAsync("/health/live", Ct);
        do
        {
            after = await ScrapeAsync(metrics);
        }
        while (after.Value("http_server_request_duration_seconds_count", ("http_route", "/health/live")) == live && waited.Elapsed < s_deadline && await Delay());
        Assert.Equal(live + 1, after.Value("http_server_request_duration_seconds_count", ("http_route", "/health/live")));
        Assert.Equal(0, after.Value("http_server_request_duration_seconds_count", ("http_route", "/ws")));
        // SQLite: one database, shard 0, whose every EF command (sign-ins, sessions, conversation reads) is timed.
        Assert.True(after.Value("tokenim_store_command_duration_seconds_count", ("shard", "0")) > 0);
    }

    [Fact]
    public async Task MetricsListener_AnyOtherPath_IsNotFoundAndTheMainPortHasNoScrape()
    {
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:Telemetry:MetricsUrl"] = "http://127.0.0.1:0";
        var metrics = MetricsUri(factory);
        using var http = new HttpClient();

        foreach (var path in new[] { "/", "/api/v1/users/me", "/health/ready", "/openapi/v1.json", "/index.html", "/metrics/x" })
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(metrics, path), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(metrics, "/metrics"), Ct)).StatusCode);
        // The public port: a problem, not the scrape and not the web client's page.
        var main = await factory.CreateClient().GetAsync("/metrics", Ct);
        await main.ReadProblemAsync(ErrorCode.NotFound);
    }

    [Fact]
    public async Task MainPort_WhenAllowed_ServesTheScrapeAndNoListenerIsStarted()
    {
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:Telemetry:MetricsOnMainPort"] = "true";
        var (a, _, conversationId) = await factory.PairAsync();
        await a.SendOkAsync(conversationId, "one");

        var response = await factory.CreateClient().GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var scrape = new PrometheusText(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, scrape.Value("tokenim_messages_stored_total"));
        Assert.Null(factory.Services.GetRequiredService<MetricsListener>().Address);
    }

    [Fact]
    public async Task Server_WithoutTelemetrySettings_HasNoScrapeAnywhere()
    {
        await using var factory = new LiveTokenImFactory();
        _ = factory.BaseUri;

        await (await factory.CreateClient().GetAsync("/metrics", Ct)).ReadProblemAsync(ErrorCode.NotFound);
        Assert.Null(factory.Services.GetRequiredService<MetricsListener>().Address);
        Assert.Null(factory.Services.GetRequiredService<TelemetryProviders>().Meters);
    }

    [Fact]
    public async Task SlowReader_ClosedWith4009_CountedOnce()
    {
        const int outboxBytes = 64 * 1024;
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:Telemetry:MetricsUrl"] = "http://127.0.0.1:0";
        factory.Settings["TokenIM:Gateway:OutboxBytes"] = $"{outboxBytes}";
        var (flooder, slow, conversationId) = await factory.PairAsync();
        var metrics = MetricsUri(factory);
        await using var slowSocket = await factory.OpenAsync(slow);
        await slowSocket.ExpectQuietAsync();
        await using var flooding = await factory.OpenAsync(flooder);
        var registry = factory.Services.GetRequiredService<Server.Delivery.ConnectionRegistry>();
        var slowConnection = Assert.IsType<Server.Gateway.Connection>(Assert.Single(registry.Get(slow.Id)));
        var text = new string('中', 4000);

        // The slow socket reads nothing from here on; each ack means its event was queued before it.
        for (var sent = 1; !slowConnection.IsClosing && sent <= 2000; sent++)
        {
            await flooding.SendAckedAsync(conversationId, text, $"flood-{sent}", $"{sent}");
        }

        Assert.True(slowConnection.IsClosing);
        var scrape = await ScrapeAsync(metrics);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (scrape.Value("tokenim_sockets_slow_reader_closes_total") == 0 && waited.Elapsed < s_deadline && await Delay())
            scrape = await ScrapeAsync(metrics);
        Assert.Equal(1, scrape.Value("tokenim_sockets_slow_reader_closes_total"));
    }

    [Fact]
    public async Task Scrape_ShardedPostgres_StoreLatencyByShardAndDirectory()
    {
        PostgresDatabases.SkipUnlessConfigured();
        await using var databases = await PostgresDatabases.CreateAsync(3, Ct);
        await using var factory = new LiveTokenImFactory().UsePostgres(databases);
        factory.Settings["TokenIM:Telemetry:MetricsUrl"] = "http://127.0.0.1:0";
        var metrics = MetricsUri(factory);
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        // Conversation ids are random: make groups until both shards hold one, then send to each.
        var shards = factory.Services.GetRequiredService<Server.Storage.StoreShards>();
        var byShard = new Dictionary<int, string>();
        while (byShard.Count < 2)
        {
            var group = await alice.CreateGroupAsync("shard", bob);
            byShard.TryAdd(shards.IndexOf(group.Id), group.Id);
        }

        var before = await ScrapeAsync(metrics);
        foreach (var (_, group) in byShard)
        {
            for (var i = 0; i < 3; i++)
                await alice.SendOkAsync(group, $"to shard {i}");
        }

        var after = await ScrapeAsync(metrics);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (after.Value("tokenim_store_commit_batch_size_sum") - before.Value("tokenim_store_commit_batch_size_sum") < 6 && waited.Elapsed < s_deadline && await Delay())
            after = await ScrapeAsync(metrics);
        foreach (var shard in new[] { "0", "1" })
        {
            Assert.Equal(3, after.Value("tokenim_store_commit_batch_size_sum", ("shard", shard)) - before.Value("tokenim_store_commit_batch_size_sum", ("shard", shard)));
            Assert.True(after.Value("tokenim_store_command_duration_seconds_count", ("shard", shard)) > 0, $"no store command timed on shard {shard}");
        }

        // Registration and sign-in went to the directory, its own database here.
        Assert.True(after.Value("tokenim_store_command_duration_seconds_count", ("shard", "directory")) > 0, "no store command timed on the directory");
    }

    private static Uri MetricsUri(LiveTokenImFactory factory)
    {
        _ = factory.BaseUri;
        return factory.Services.GetRequiredService<MetricsListener>().Address ?? throw new InvalidOperationException("No metrics listener.");
    }

    private static async Task<PrometheusText> ScrapeAsync(Uri metrics)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(metrics, "/metrics"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusText(await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100, Ct);
        return true;
    }

    private static string Describe((string Key, string Value)[] labels) =>
        labels.Length == 0 ? string.Empty : "{" + string.Join(',', labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}
