using System.Net.WebSockets;
using Microsoft.IdentityModel.Tokens;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Auth;

/// <summary>
/// A live server that trusts four identity providers, with keys made here: A (a JWKS of an RSA and an EC key, users
/// must exist), B (one EC key in a PEM file, ES256 only, users created on first use, external ids prefixed
/// <c>b|</c>), C (a JWKS with an RSA key but an ES256-only allowlist, <c>c|</c>) and R (a JWKS the tests rotate, <c>r|</c>).
/// </summary>
public sealed class ExternalIssuerServer : IDisposable
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "tokenim-tests", "idp-" + Guid.NewGuid().ToString("N"));

    public ExternalIssuerServer()
    {
        Directory.CreateDirectory(_keys);
        ExternalIdp.WriteJwks(AJwks, ARsa, AEc);
        ExternalIdp.WritePem(BPem, BEc);
        ExternalIdp.WriteJwks(CJwks, CRsa);
        ExternalIdp.WriteJwks(RJwks, RFirst);
        var settings = Server.Settings;
        // No grace after a token's exp, so a socket's close at its external token's expiry is seen in seconds.
        settings["TokenIM:Gateway:TokenExpiryGrace"] = "00:00:00";
        void Issuer(int i, ExternalIdp idp, string keyKind, string file, params (string Key, string Value)[] more)
        {
            var at = $"TokenIM:ExternalIssuers:{i}";
            settings[$"{at}:Issuer"] = idp.Issuer;
            settings[$"{at}:Audience"] = idp.Audience;
            settings[$"{at}:{keyKind}"] = file;
            foreach (var (key, value) in more)
                settings[$"{at}:{key}"] = value;
        }

        Issuer(0, A, "JwksFile", AJwks);
        Issuer(1, B, "PublicKeyFile", BPem, ("Algorithms:0", "ES256"), ("AutoCreateUsers", "true"), ("ExternalIdPrefix", "b|"), ("MaxLifetime", "00:30:00"));
        Issuer(2, C, "JwksFile", CJwks, ("Algorithms:0", "ES256"), ("ExternalIdPrefix", "c|"), ("AutoCreateUsers", "true"));
        Issuer(3, R, "JwksFile", RJwks, ("ExternalIdPrefix", "r|"), ("AutoCreateUsers", "true"));
    }

    public LiveTokenImFactory Server { get; } = new();

    public ExternalIdp A { get; } = new("https://idp-a.test", "tokenim-app");

    public ExternalIdp B { get; } = new("https://idp-b.test/realm", "chat");

    public ExternalIdp C { get; } = new("https://idp-c.test", "chat-c");

    public ExternalIdp R { get; } = new("https://idp-r.test", "chat-r");

    public RsaSecurityKey ARsa { get; } = ExternalIdp.NewRsa("rsa-1");

    public ECDsaSecurityKey AEc { get; } = ExternalIdp.NewEc("ec-1");

    public ECDsaSecurityKey BEc { get; } = ExternalIdp.NewEc("b-ec");

    public RsaSecurityKey CRsa { get; } = ExternalIdp.NewRsa("c-rsa");

    public RsaSecurityKey RFirst { get; } = ExternalIdp.NewRsa("r-1");

    public string AJwks => Path.Combine(_keys, "a.jwks.json");

    public string BPem => Path.Combine(_keys, "b.pem");

    public string CJwks => Path.Combine(_keys, "c.jwks.json");

    public string RJwks => Path.Combine(_keys, "r.jwks.json");

    /// <summary>A unique subject for a test's user: a fixed prefix and a counter, so runs repeat.</summary>
    public string NextSubject(string prefix) => Server.NextUsername(prefix);

    /// <summary>REST: the status and error code of <c>GET /api/v1/users/me</c> with the token (code null on 200), and the user id on 200.</summary>
    public async Task<(int Status, string? Code, string? UserId)> RestAsync(string token)
    {
        using var client = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        using var response = await client.SendAsync(request);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return response.IsSuccessStatusCode
            ? ((int)response.StatusCode, null, body.GetProperty("id").GetString())
            : ((int)response.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString() : null, null);
    }

    /// <summary>REST's status and error code for the token.</summary>
    public async Task<(int Status, string? Code)> RefusalAsync(string token)
    {
        var (status, code, _) = await RestAsync(token);
        return (status, code);
    }

    /// <summary>The socket with the token in the upgrade's header: "ready", or the HTTP status of the refused upgrade.</summary>
    public async Task<string> HeaderSocketAsync(string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("tokenim.v1");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new UriBuilder(Server.BaseUri) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (WebSocketException)
        {
            return $"http {(int)socket.HttpStatusCode}";
        }

        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count).Contains("\"op\":\"ready\"", StringComparison.Ordinal) ? "ready" : "no ready";
    }

    /// <summary>The socket with the token in the first frame: "ready", or "close CODE REASON".</summary>
    public async Task<string> FrameSocketAsync(string token)
    {
        await using var socket = await RawSocket.ConnectAsync(Server.BaseUri);
        await socket.SendAsync(new { op = "auth", token });
        var (frame, close) = await socket.ReceiveFrameOrCloseAsync();
        return frame is { } answer ? answer.GetProperty("op").GetString()! : $"close {close} {socket.Socket.CloseStatusDescription}";
    }

    public void Dispose()
    {
        Server.Dispose();
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is the OS's to clean.
        }
    }
}
