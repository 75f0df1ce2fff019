using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>Connecting: the checks before the upgrade, the header and the first-frame authentication.</summary>
public sealed class GatewayAuthTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    public static TheoryData<string> BadTokenCases => ["garbage", "empty", "foreign-key", "expired", "unknown-session", "revoked-session"];

    /// <summary>A token that is wrong in exactly one way; the control case is the user's own access token.</summary>
    private async Task<string> BadTokenAsync(string kind)
    {
        var user = await factory.RegisterAsync();
        var forge = new TokenForge(factory.DataDirectory);
        var now = DateTimeOffset.UtcNow;
        switch (kind)
        {
            case "garbage":
                return "not-a-token";
            case "empty":
                return string.Empty;
            case "foreign-key":
                var foreign = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));
                return forge.Sign(TokenForge.Claims(user.Id, user.Tokens.SessionId, now), key: foreign, kid: forge.KeyId);
            case "expired":
                var claims = TokenForge.Claims(user.Id, user.Tokens.SessionId, now.AddMinutes(-20));
                return forge.Sign(claims, kid: forge.KeyId);
            case "unknown-session":
                return forge.Sign(TokenForge.Claims(user.Id, "0123456789abcdef0123456789abcdef", now), kid: forge.KeyId);
            default:
                Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
                return user.Tokens.AccessToken;
        }
    }

    [Fact]
    public async Task Connect_AuthFrameFirst_ReadyWithUserSessionAndServerTime()
    {
        var user = await factory.RegisterAsync();
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);

        await socket.SendAsync(new { op = "auth", token = user.Tokens.AccessToken });
        var ready = await socket.ReceiveAsync();

        Assert.Equal("ready", ready.Op());
        Assert.Equal(user.Id, ready.Str("userId"));
        Assert.Equal(user.Tokens.SessionId, ready.Str("sessionId"));
        var serverTime = ready.Str("serverTime")!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", serverTime);
        var parsed = DateTimeOffset.Parse(serverTime, CultureInfo.InvariantCulture);
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal("tokenim.v1", socket.Socket.SubProtocol);
        await socket.ExpectQuietAsync();
    }

    [Theory]
    [InlineData("""{"op":"ping","id":"1"}""")]
    [InlineData("""{"op":"send","id":"1","conversationId":"x","clientMsgId":"m","text":"hi"}""")]
    [InlineData("not json")]
    [InlineData("""["auth"]""")]
    [InlineData("""{"token":"x"}""")]
    [InlineData("""{"op":"\ud800","token":"x"}""")]
    [InlineData("""{"op":"auth","token":"\ud800"}""")]
    public async Task Connect_FirstFrameNotAuth_Closes4001(string firstFrame)
    {
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);

        await socket.SendTextAsync(firstFrame);

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
    }

    [Theory]
    [MemberData(nameof(BadTokenCases))]
    public async Task Connect_AuthFrameWithBadToken_Closes4001(string kind)
    {
        var token = await BadTokenAsync(kind);
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);

        await socket.SendAsync(new { op = "auth", token });

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Connect_AuthFrameWithoutToken_Closes4001()
    {
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);

        await socket.SendTextAsync("""{"op":"auth"}""");

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
    }

    [Theory]
    [MemberData(nameof(BadTokenCases))]
    public async Task Connect_BadHeaderToken_Http401BeforeUpgrade(string kind)
    {
        var token = await BadTokenAsync(kind);
        if (token.Length == 0)
            token = " ";

        Assert.Equal(HttpStatusCode.Unauthorized, await RawSocket.RefusedStatusAsync(factory.BaseUri, token));
    }

    /// <summary>A WebSocket upgrade sent as a plain request, to read the body and headers of a refusal.</summary>
    private async Task<HttpResponseMessage> UpgradeAsync(string? token, string query = "", string? origin = null, bool offerSubprotocol = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ws{query}");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        if (offerSubprotocol)
            request.Headers.Add("Sec-WebSocket-Protocol", "tokenim.v1");
        if (token is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (origin is not null)
            request.Headers.Add("Origin", origin);
        return await factory.CreateClient().SendAsync(request);
    }

    [Theory]
    [InlineData("garbage", "invalid_token")]
    [InlineData("expired", "token_expired")]
    [InlineData("revoked-session", "session_revoked")]
    public async Task Connect_BadHeaderToken_Http401ProblemDetailsAndChallenge(string kind, string code)
    {
        var token = await BadTokenAsync(kind);

        using var response = await UpgradeAsync(token);

        var problem = await response.ReadProblemAsync(Protocol.ErrorCode.All.Single(c => c.Code == code));
        Assert.Equal(401, problem.Status);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Connect_RefusedUpgrades_ProblemDetailsWithCode()
    {
        var user = await factory.RegisterAsync();
        var token = user.Tokens.AccessToken;

        using var query = await UpgradeAsync(token, $"?access_token={token}");
        using var origin = await UpgradeAsync(token, origin: "https://evil.example");
        using var subprotocol = await UpgradeAsync(token, offerSubprotocol: false);

        await query.ReadProblemAsync(Protocol.ErrorCode.MalformedRequest);
        await origin.ReadProblemAsync(Protocol.ErrorCode.PermissionDenied);
        await subprotocol.ReadProblemAsync(Protocol.ErrorCode.MalformedRequest);
    }

    [Fact]
    public async Task Connect_WithoutSubprotocol_Http400()
    {
        var user = await factory.RegisterAsync();

        Assert.Equal(HttpStatusCode.BadRequest, await RawSocket.RefusedStatusAsync(factory.BaseUri, user.Tokens.AccessToken, offerSubprotocol: false));
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("token")]
    [InlineData("jwt-shaped-value")]
    public async Task Connect_TokenInQueryString_Http400(string where)
    {
        var user = await factory.RegisterAsync();
        var token = user.Tokens.AccessToken;
        var query = where == "jwt-shaped-value" ? $"v={token}" : $"{where}={token}";

        // Refused even though the header carries the same, valid token: the query must never be a way in.
        Assert.Equal(HttpStatusCode.BadRequest, await RawSocket.RefusedStatusAsync(factory.BaseUri, token, query: query));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://127.0.0.1.evil.example")]
    [InlineData("null")]
    public async Task Connect_ForeignOrigin_Http403(string origin)
    {
        var user = await factory.RegisterAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await RawSocket.RefusedStatusAsync(factory.BaseUri, user.Tokens.AccessToken, origin: origin));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Connect_OwnOriginOrNoOrigin_Accepted(bool sendOwnOrigin)
    {
        var user = await factory.RegisterAsync();
        var origin = sendOwnOrigin ? factory.BaseUri.GetLeftPart(UriPartial.Authority) : null;

        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri, user.Tokens.AccessToken, origin: origin);

        Assert.Equal("ready", (await socket.ReceiveAsync()).Op());
    }

    [Fact]
    public async Task AuthFrame_AfterReady_MalformedRequestAndSocketStaysOpen()
    {
        var user = await factory.RegisterAsync();
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);
        await socket.SendAsync(new { op = "auth", token = user.Tokens.AccessToken });
        Assert.Equal("ready", (await socket.ReceiveAsync()).Op());

        await socket.SendAsync(new { op = "auth", id = "again", token = user.Tokens.AccessToken });

        await socket.ExpectErrorAsync("malformed_request", "again");
        await socket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Connect_NoAuthWithinTimeout_Closes4001()
    {
        using var own = new LiveTokenImFactory();
        own.Settings["TokenIM:Gateway:AuthTimeout"] = "00:00:01";
        await using var silent = await RawSocket.ConnectAsync(own.BaseUri);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var code = await silent.ReceiveCloseAsync();

        Assert.Equal(4001, code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));
    }
}
