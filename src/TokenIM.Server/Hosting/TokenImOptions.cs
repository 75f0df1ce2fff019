using System.ComponentModel.DataAnnotations;

namespace TokenIM.Server.Hosting;

/// <summary>Every setting under the <c>TokenIM</c> section. Defaults need nothing installed.</summary>
internal sealed class TokenImOptions
{
    public const string Section = "TokenIM";

    /// <summary>Maps the short command-line switches onto settings (<c>--data DIR</c>).</summary>
    public static readonly IDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--data"] = $"{Section}:{nameof(DataDirectory)}",
    };

    /// <summary>
    /// Where the server keeps its files: the SQLite file <c>tokenim.db</c>, <c>keys/</c>, <c>attachments/</c> and the
    /// local admin socket. Also <c>--data DIR</c> on the command line. The default is <c>./data</c>.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The <c>iss</c> of access tokens. The default is <c>tokenim</c>.</summary>
    [Required]
    public string Issuer { get; set; } = "tokenim";

    /// <summary>The <c>aud</c> of access tokens. The default is <c>tokenim</c>.</summary>
    [Required]
    public string Audience { get; set; } = "tokenim";

    public TokenSettings Tokens { get; set; } = new();

    public PasswordSettings Passwords { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    public LimitSettings Limits { get; set; } = new();

    public NetworkSettings Network { get; set; } = new();

    public StorageSettings Storage { get; set; } = new();

    public GatewaySettings Gateway { get; set; } = new();

    public DiagnosticsSettings Diagnostics { get; set; } = new();

    public BusSettings Bus { get; set; } = new();

    public HealthSettings Health { get; set; } = new();

    public AdminSettings Admin { get; set; } = new();

    public WebhookSettings Webhooks { get; set; } = new();

    public Hooks.HookSettings Hooks { get; set; } = new();

    public MessageSettings Messages { get; set; } = new();
    public AttachmentSettings Attachments { get; set; } = new();
    public LoggingSettings Logging { get; set; } = new();
    public TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>Identity providers whose access tokens are accepted beside TokenIM's own (see docs/integration.md §10). The default is none.</summary>
    public ExternalIssuerSettings[] ExternalIssuers { get; set; } = [];
}

internal sealed class TokenSettings
{
    /// <summary>Lifetime of an access token. The default is 15 minutes; 1 to 60 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in, however active. The default is 30 days.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A session ends when its refresh token is unused this long; at most <see cref="SessionLifetime"/>. The default is 7 days.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan SessionIdleLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A new signing key is made when the newest is older than this. The default is 90 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan SigningKeyRotation { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The folder of the ES256 signing keys (one PEM file per key). Every node of a cluster must see the same folder (a
    /// shared secret volume), so that a token signed by one verifies on all; rotation takes an exclusive lock on
    /// <c>.lock</c> in it, so nodes finding a key due at once make one, and a node reads the folder again when a token
    /// names a key it has not loaded (at most once a second). See docs/operations.md. The default is <c>keys/</c> in the
    /// data directory.
    /// </summary>
    public string? KeyDirectory { get; set; }
}

internal sealed class PasswordSettings
{
    /// <summary>PBKDF2-HMAC-SHA256 iterations for new hashes (OWASP 2023: 600,000). Hashes made with fewer are redone at the next sign-in. The default is 600,000.</summary>
    [Range(1_000, 10_000_000)]
    public int Pbkdf2Iterations { get; set; } = 600_000;

    /// <summary>Password hashes computed at once; more wait, so a sign-in flood cannot starve the server. The default is the processor count.</summary>
    [Range(1, 256)]
    [DefaultText("the processor count")]
    public int MaxConcurrentHashes { get; set; } = Environment.ProcessorCount;
}

/// <summary>
/// Request-rate limits. With <c>TokenIM:Bus:Provider=Redis</c> every limit is one budget for the whole cluster,
/// counted in Redis; while Redis is unreachable each node falls back to its own counters (never to no limit).
/// </summary>
internal sealed class RateLimitSettings
{
    /// <summary><c>false</c> turns off every request-rate limit (sign-in, registration, refresh, sends) for load tests, and the server logs a warning; the per-account failed sign-in limit stays. The default is <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Failed sign-ins one account name may have in a sliding hour before further attempts are refused unevaluated (<c>429</c>). The default is 100.</summary>
    [Range(1, 100_000)]
    public int FailedLoginsPerAccountPerHour { get; set; } = 100;

    /// <summary>Sign-in and refresh requests one client address may make in a minute. The default is 60.</summary>
    [Range(1, 1_000_000)]
    public int AuthRequestsPerAddressPerMinute { get; set; } = 60;

    /// <summary>Accounts one client address may register in an hour. The default is 20.</summary>
    [Range(1, 1_000_000)]
    public int RegistrationsPerAddressPerHour { get; set; } = 20;

    /// <summary>Messages one user may send per second, sustained, over REST and the socket together; bursts of twice that pass. The default is 20.</summary>
    [Range(1, 1_000_000)]
    public int MessagesPerUserPerSecond { get; set; } = 20;

    /// <summary>Server API requests one API key may make in a minute (<c>429 rate_limited</c> beyond; the local admin socket is not limited). The default is 1,200.</summary>
    [Range(1, 10_000_000)]
    public int ServerApiRequestsPerKeyPerMinute { get; set; } = 1200;
}

internal sealed class LimitSettings
{
    /// <summary>Most members a group may have. The default is 1,000.</summary>
    [Range(2, 100_000)]
    public int MaxGroupMembers { get; set; } = 1000;

    /// <summary>Sockets one user may hold on one node. The default is 10.</summary>
    [Range(1, 1000)]
    public int SocketsPerUser { get; set; } = 10;
}

internal sealed class NetworkSettings
{
    /// <summary>IP addresses of reverse proxies whose <c>X-Forwarded-For</c> is believed, one per index. The default is none: the header is ignored.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// Time a client has to send a request's headers (also a socket's upgrade request) once it began; then the
    /// connection is closed. The default is 10 seconds (Kestrel's own is 30), the time a socket has to authenticate.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an HTTP connection may sit idle between requests, or before its first, until it is closed. Sockets
    /// are not affected: after the upgrade the gateway's pings take over. The default is 30 seconds (Kestrel's own is 130).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Slowest a request body may arrive, on average, once <see cref="RequestBodyGracePeriod"/> has passed; slower is cut off with 408. The default is 240 bytes a second.</summary>
    [Range(1, 1_000_000)]
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a request body may take before <see cref="MinRequestBodyBytesPerSecond"/> is enforced. The default is 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan RequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most bytes of request headers (the request line not included); more is refused with 431. The default is 32 KiB.</summary>
    [Range(16 * 1024, 1024 * 1024)]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;
}

internal sealed class StorageSettings
{
    /// <summary>
    /// <c>Sqlite</c> (one file under the data directory, one node) or <c>Postgres</c> (a directory database and
    /// conversation shards, see <see cref="Postgres"/>; for several nodes, see docs/operations.md). The default is <c>Sqlite</c>.
    /// </summary>
    [RegularExpression("^(Sqlite|Postgres)$")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The PostgreSQL databases, for <c>Postgres</c>.</summary>
    public PostgresSettings Postgres { get; set; } = new();

    /// <summary>SQLite <c>synchronous</c> in WAL mode: <c>NORMAL</c> (a power cut may lose the last commits, a crash loses nothing) or <c>FULL</c>. The default is <c>NORMAL</c>.</summary>
    [RegularExpression("^(NORMAL|FULL)$")]
    public string SqliteSynchronous { get; set; } = "NORMAL";

    /// <summary>
    /// Most sends written in one transaction by the group-commit writer. The default is 1,024: each commit writes
    /// every page it touched, so with many conversations in flight bigger batches write far fewer pages per message
    /// (measured: 256 → 1,024 took the direct benchmark from about 12,000 to 32,000 messages/s).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxWriteBatch { get; set; } = 1024;

    /// <summary>
    /// Conversation member lists (the send path) and users' presence audiences (socket open and close) kept in memory;
    /// an entry is dropped on every membership change that touches it, or after 10 minutes unused. The same bound
    /// applies, separately, to users' block lists (asked when sending to a conversation of two; dropped on every block
    /// or unblock). The default is 200,000.
    /// </summary>
    [Range(100, 10_000_000)]
    public int MembershipCacheEntries { get; set; } = 200_000;
}

internal sealed class PostgresSettings
{
    /// <summary>
    /// The Npgsql connection string of the directory database: accounts, sessions, refresh tokens. It may be the
    /// same database as a shard. Required with <c>Storage:Provider=Postgres</c>; the default is none.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// The Npgsql connection strings of the conversation shards, in a fixed order: a conversation lives on the shard
    /// its id hashes to, so the list may not be reordered or resized once data is written (see docs/operations.md).
    /// At least one with <c>Storage:Provider=Postgres</c>; the default is none.
    /// </summary>
    public string[] Shards { get; set; } = [];

    /// <summary>
    /// How long a shard found unreachable is answered with <c>503 store_unavailable</c> before it is tried again, so
    /// a dead shard costs one failed connect per interval instead of one per request. The default is 2 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryUnavailableAfter { get; set; } = TimeSpan.FromSeconds(2);
}

internal sealed class GatewaySettings
{
    /// <summary>Origins (<c>scheme://host[:port]</c>) whose pages may open sockets, besides the server's own. Clients that send no <c>Origin</c> are always allowed. The default is none.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Sockets this node holds in all, authenticated or still authenticating; an upgrade beyond it gets <c>429</c>. The default is 50,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>Bytes queued for one socket before it is closed as too slow a reader (4009). The default is 1 MiB.</summary>
    [Range(16 * 1024, 256 * 1024 * 1024)]
    public int OutboxBytes { get; set; } = 1024 * 1024;

    /// <summary>Time a socket has to authenticate (the <c>auth</c> frame). The default is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the server pings each socket. The default is 25 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a peer may stay silent after a ping before it is disconnected. The default is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a socket outlives its expired access token without a <c>refresh</c> frame (then 4001). The default is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TokenExpiryGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest group whose members get <c>typing</c> events. The default is 100.</summary>
    [Range(2, 100_000)]
    public int TypingGroupLimit { get; set; } = 100;

    /// <summary>Largest group whose members hear of each other's presence. The default is 100.</summary>
    [Range(2, 100_000)]
    public int PresenceGroupLimit { get; set; } = 100;

    /// <summary>Refused sends in a row (with none accepted) after which a socket is closed with 4008. The default is 50.</summary>
    [Range(1, 100_000)]
    public int MaxRefusedSends { get; set; } = 50;
}

internal sealed class DiagnosticsSettings
{
    /// <summary>
    /// Serves <c>GET /api/v1/diagnostics</c> (process memory, CPU time, GC and socket counts; it can force a full GC;
    /// the benchmark tool reads it) to loopback callers only. The default is off.
    /// </summary>
    public bool Enabled { get; set; }
}

internal sealed class BusSettings
{
    /// <summary>
    /// <c>InMemory</c> (one node) or <c>Redis</c> (several nodes: every node hears every event through Redis pub/sub and
    /// delivers to its own sockets). The default is <c>InMemory</c>.
    /// </summary>
    [RegularExpression("^(InMemory|Redis)$")]
    public string Provider { get; set; } = "InMemory";

    /// <summary>The StackExchange.Redis configuration string (e.g. <c>10.0.0.7:6379,password=…</c>), for <c>Redis</c>. The default is none.</summary>
    public string? RedisConfiguration { get; set; }

    /// <summary>
    /// Starts every Redis key and channel name (<c>PREFIX:events</c>, <c>PREFIX:presence:…</c>, <c>PREFIX:rate:…</c>), so
    /// two clusters can share one Redis; all are listed in <c>Bus/RedisKeys.cs</c>. Letters, digits, <c>.</c>, <c>_</c>
    /// and <c>-</c>. The default is <c>tokenim</c>.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string KeyPrefix { get; set; } = "tokenim";

    /// <summary>With <c>Redis</c>: how often a node renews its liveness record and sweeps nodes that stopped renewing theirs (one script call per node per interval, whatever it holds). The default is 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan PresenceHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With <c>Redis</c>: a node whose liveness record is this old is taken for dead: the users whose only sockets were there are
    /// announced offline. At least twice <see cref="PresenceHeartbeat"/>; a crash is announced within this plus one
    /// heartbeat. The default is 20 seconds (so within 25 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan PresenceNodeTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

internal sealed class HealthSettings
{
    /// <summary>
    /// How long a stopping node keeps serving while <c>/health/ready</c> says 503, so that the load balancer stops
    /// sending it clients before it stops listening; set it above the balancer's check interval times its fall count
    /// (e.g. <c>00:00:05</c> behind the reference HAProxy config). 0 to 1 minute, added to the host's shutdown timeout.
    /// The default is zero (one node, nothing to drain to).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;
}

internal sealed class AdminSettings
{
    /// <summary>
    /// The path of the local admin socket, a Unix domain socket (mode 0600, made at start, removed at stop) on which
    /// the server API takes requests without an API key and with every scope; <c>tokenim admin --local</c> uses it. An
    /// empty value turns it off. It joins the addresses of <c>--urls</c>, so a host that makes Kestrel listeners in
    /// code has none. Nodes sharing one data directory: the first to start has it, the others log a warning (give each
    /// its own path). At most 107 bytes. See docs/integration.md and docs/security.md. The default is <c>admin.sock</c>
    /// in the data directory.
    /// </summary>
    public string? LocalSocket { get; set; }
}

internal sealed class WebhookSettings
{
    /// <summary>
    /// Whether webhook URLs may point at loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, where cloud
    /// metadata lives), carrier-grade NAT, unspecified and multicast addresses. <c>false</c> refuses them when an
    /// endpoint is created or changed and again on the address actually connected to (after DNS), so a name that
    /// resolves inward is refused too. Turn it off when the
    /// people holding <c>webhooks:manage</c> keys should not reach the server's own network (SSRF, see
    /// docs/security.md). The default is <c>true</c>, so an app on the same machine can receive them.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; } = true;

    /// <summary>How long one delivery attempt may take (connect, send, answer headers); then it counts as failed. The default is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; it doubles after each further one, up to <see cref="RetryCap"/>, with up to 20% jitter. The default is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts; not less than <see cref="RetryBase"/>. The default is 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryCap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed attempts after which a delivery is dead (the conversation's next events go on; <c>POST …/deliveries/{id}/retry</c> queues it again). The default is 12 (about 40 minutes of retries).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>How long delivered rows stay in the delivery log (pending and dead ones stay until delivered or deleted). The default is 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often the delivering node looks for events written by other nodes (its own wake it at once), and how often a
    /// node that does not hold a database's lease tries to take it. The default is 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node's claim to deliver a database's outbox lasts unless renewed (renewed at a third of it); a crashed node's work is taken over after this, a clean stop hands over at once. The default is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests in flight at once per database, each to a different (endpoint, conversation) queue. The default is 16.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveries { get; set; } = 16;

    /// <summary>How often each node re-reads the endpoint list besides when the bus says it changed (a missed bus message costs at most this). The default is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
