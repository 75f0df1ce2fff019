using System.Net;
using System.Net.Http.Json;
using TokenIM.Client;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Bench;

/// <summary>
/// The users, conversations and sockets a scenario needs, made through the public API (the SDK for REST, a
/// <see cref="BenchSocket"/> per socket). Usernames carry a per-run prefix, so runs against one server never collide.
/// </summary>
internal sealed class BenchPopulation(BenchTarget target) : IDisposable
{
    private const string Password = "bench password for load tests";
    private readonly HttpClient _http = new() { BaseAddress = target.Server, Timeout = TimeSpan.FromMinutes(2) };
    private readonly string _prefix = "b" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    private readonly HttpMessageInvoker[] _sources = [.. Enumerable.Range(1, target.SourceAddresses)
        .Select(i => BenchSocket.InvokerFrom(IPAddress.Parse($"127.0.0.{i}")))];

    public HttpClient Http => _http;

    /// <summary>Creates <paramref name="count"/> users, a few at a time; each comes back signed in.</summary>
    public async Task<BenchUser[]> CreateUsersAsync(int count, Progress progress, CancellationToken cancellationToken)
    {
        var users = new BenchUser[count];
        var done = 0;
        progress.Show(() => $"creating users {done:N0}/{count:N0}");
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var client = new TokenImClient(_http);
                var tokens = await client.RegisterAsync($"{_prefix}-{i}", Password, deviceName: "bench", cancellationToken: token);
                users[i] = new BenchUser(i, tokens.User.Id, client);
                Interlocked.Increment(ref done);
            });
        return users;
    }

    /// <summary>Opens one socket per entry of <paramref name="owners"/> (an index into <paramref name="users"/>), spread over the source addresses.</summary>
    public async Task<BenchSocket[]> ConnectAsync(BenchUser[] users, int[] owners, FrameHandler onFrame, Progress progress,
        CancellationToken cancellationToken)
    {
        var sockets = new BenchSocket[owners.Length];
        var done = 0;
        progress.Show(() => $"opening sockets {done:N0}/{owners.Length:N0}");
        await Parallel.ForAsync(0, owners.Length, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                sockets[i] = await ConnectOneAsync(users[owners[i]], i, onFrame, token);
                Interlocked.Increment(ref done);
            });
        return sockets;
    }

    /// <summary>Opens one socket for <paramref name="user"/> from the <paramref name="i"/>-th source address.</summary>
    public async Task<BenchSocket> ConnectOneAsync(BenchUser user, int i, FrameHandler onFrame, CancellationToken cancellationToken) =>
        await BenchSocket.ConnectAsync(target.SocketEndpoint, await user.Client.GetAccessTokenAsync(cancellationToken),
            _sources[i % _sources.Length], user.Index, onFrame, cancellationToken);

    /// <summary>The server's process figures, after a full collection when <paramref name="collect"/>; null when the server does not serve them.</summary>
    public async Task<DiagnosticsDto?> DiagnosticsAsync(bool collect, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"api/v1/diagnostics?collect={(collect ? "true" : "false")}", cancellationToken);
        return response.StatusCode == HttpStatusCode.OK
            ? await response.Content.ReadFromJsonAsync(ProtocolJsonContext.Default.DiagnosticsDto, cancellationToken)
            : null;
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var source in _sources)
            source.Dispose();
    }
}

/// <summary>A signed-in bench user: its number, its id, and the SDK client holding its tokens.</summary>
internal sealed record BenchUser(int Index, string Id, TokenImClient Client);

/// <summary>The server under test and how to reach it.</summary>
/// <param name="Server">The server's root, e.g. <c>http://127.0.0.1:8080/</c>.</param>
/// <param name="SourceAddresses">How many loopback source addresses (127.0.0.1…n) sockets are spread over.</param>
internal sealed record BenchTarget(Uri Server, int SourceAddresses)
{
    public Uri SocketEndpoint { get; } = new UriBuilder(Server) { Scheme = Server.Scheme == "https" ? "wss" : "ws", Path = Server.AbsolutePath.TrimEnd('/') + "/ws" }.Uri;
}
