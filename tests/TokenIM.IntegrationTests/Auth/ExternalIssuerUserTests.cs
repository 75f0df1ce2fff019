using System.Diagnostics;
using System.Net;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

/// <summary>
/// The users behind external tokens: created on first use only where the issuer allows it (once, under concurrent
/// first requests), signed out everywhere (tokens issued before refused, sockets closed 4001), key rotation picked
/// up without a restart, and the session routes' answers for a token that has no session.
/// </summary>
public sealed class ExternalIssuerUserTests(ExternalIssuerServer idps) : IClassFixture<ExternalIssuerServer>
{
    [Fact]
    public async Task Authenticate_UnknownSubWithAutoCreateOff_Refused401AndNoUserCreated()
    {
        var subject = idps.NextSubject("ghost");
        var token = idps.A.Sign(idps.A.Claims(subject), idps.ARsa);

        var (status, code, _) = await idps.RestAsync(token);

        Assert.Equal((401, "unknown_external_user"), (status, code));
        Assert.Equal("close 4001 unknown_external_user", await idps.FrameSocketAsync(token));
        using var server = await idps.Server.ServerClientAsync();
        var missing = await Assert.ThrowsAsync<TokenImApiException>(() => server.GetUserByExternalIdAsync(subject));
        Assert.Equal(ErrorCode.UserNotFound.Code, missing.Code);
    }

    [Fact]
    public async Task Authenticate_TwentyConcurrentFirstRequestsWithAutoCreate_OneUserWithTheProfileClaims()
    {
        var subject = idps.NextSubject("carol");
        var claims = idps.B.Claims(subject);
        claims["preferred_username"] = "Carol.Ä Smith";
        claims["name"] = "Carol Smith\u0007 🎉";
        var token = idps.B.Sign(claims, idps.BEc);
        // The twenty meet in the create, not in connecting or JIT: the path warmed, each connection opened, then a gate.
        Assert.Equal(200, (await idps.RestAsync(idps.B.Sign(idps.B.Claims(idps.NextSubject("warm")), idps.BEc))).Status);
        var clients = Enumerable.Range(0, 20).Select(_ => idps.Server.CreateClient()).ToArray();
        foreach (var client in clients)
            (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = clients.Select(async client =>
        {
            await gate.Task;
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request);
            return (Status: (int)response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToArray();

        gate.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, a => Assert.True(a.Status == 200, a.Body));
        var userId = Assert.Single(answers.Select(a => System.Text.Json.JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetString()).Distinct());
        using var server = await idps.Server.ServerClientAsync();
        var user = await server.GetUserByExternalIdAsync("b|" + subject);
        Assert.Equal(userId, user.Id);
        Assert.Equal("carol._smith", user.Username);
        Assert.Equal("Carol Smith 🎉", user.DisplayName);

        // Another user of the same preferred_username gets a unique variant of it, not a refusal.
        var namesake = idps.B.Claims(idps.NextSubject("carol"));
        namesake["preferred_username"] = "Carol.Ä Smith";
        var second = await idps.RestAsync(idps.B.Sign(namesake, idps.BEc));
        Assert.Equal(200, second.Status);
        var other = await server.GetUserAsync(second.UserId!);
        Assert.StartsWith("carol._smith-", other.Username, StringComparison.Ordinal);
        Assert.Equal(other.Username, other.DisplayName);
        foreach (var client in clients)
            client.Dispose();
    }

    [Fact]
    public async Task SignOutEverywhere_SocketsOpenedWithExternalTokens_Closed4001AndEarlierTokensRefused()
    {
        var subject = idps.NextSubject("erin");
        using var server = await idps.Server.ServerClientAsync();
        var user = await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, subject, null));
        var token = idps.A.Sign(idps.A.Claims(subject, DateTimeOffset.UtcNow.AddSeconds(-2)), idps.ARsa);
        await using var byHeader = await RawSocket.ReadyAsync(idps.Server.BaseUri, token);
        await using var byFrame = await RawSocket.ConnectAsync(idps.Server.BaseUri);
        await byFrame.SendAsync(new { op = "auth", token });
        Assert.Equal("ready", (await byFrame.ReceiveAsync()).GetProperty("op").GetString());

        await server.SignOutUserAsync(user.Id);
        var clock = Stopwatch.StartNew();

        Assert.Equal(4001, await byHeader.ReceiveCloseAsync());
        Assert.Equal(4001, await byFrame.ReceiveCloseAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"closed after {clock.ElapsedMilliseconds} ms");
        Assert.Equal((401, "session_revoked"), await idps.RefusalAsync(token));
        // A token the provider issues after the sign-out gets in (iat is whole seconds: one from a later second).
        var fresh = idps.A.Sign(idps.A.Claims(subject, DateTimeOffset.UtcNow.AddSeconds(2)), idps.ARsa);
        Assert.Equal(200, (await idps.RestAsync(fresh)).Status);
    }

    [Fact]
    public async Task Disable_SocketOpenedWithExternalToken_Closed4001AndRefusedAfterEnable()
    {
        var subject = idps.NextSubject("dan");
        using var server = await idps.Server.ServerClientAsync();
        var user = await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, subject, null));
        var token = idps.A.Sign(idps.A.Claims(subject, DateTimeOffset.UtcNow.AddSeconds(-2)), idps.AEc);
        await using var socket = await RawSocket.ReadyAsync(idps.Server.BaseUri, token);

        await server.DisableUserAsync(user.Id);

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
        Assert.Equal((403, "user_disabled"), await idps.RefusalAsync(token));
        await server.EnableUserAsync(user.Id);
        Assert.Equal((401, "session_revoked"), await idps.RefusalAsync(token));
    }

    [Fact]
    public async Task JwksRotation_FileRewrittenWithANewKey_NewKeyAcceptedOldRefusedWithoutRestart()
    {
        var r = idps.R;
        var subject = idps.NextSubject("rita");
        Assert.Equal(200, (await idps.RestAsync(r.Sign(r.Claims(subject), idps.RFirst))).Status);

        var next = ExternalIdp.NewRsa("r-2");
        ExternalIdp.WriteJwks(idps.RJwks, next);

        // The new kid is unknown: the file is read again at once (then at most once a minute for unknown kids).
        Assert.Equal(200, (await idps.RestAsync(r.Sign(r.Claims(subject), next))).Status);
        // The old key left the file: refused from the next look at it (at most a second later).
        await TwoNodes.WaitUntilAsync(async () => (await idps.RestAsync(r.Sign(r.Claims(subject), idps.RFirst))).Status == 401, "the retired key refused");
        Assert.Equal("ready", await idps.FrameSocketAsync(r.Sign(r.Claims(subject), next)));
    }

    [Fact]
    public async Task SessionRoutes_WithExternalToken_LogoutIs400ExternalTokenSessionsListNoCurrent()
    {
        var subject = idps.NextSubject("sid");
        using var server = await idps.Server.ServerClientAsync();
        var user = await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, subject, null));
        await server.MintTokenAsync(user.Id, "phone");
        using var client = idps.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", idps.A.Sign(idps.A.Claims(subject), idps.ARsa));

        await (await client.PostAsync("/api/v1/auth/logout", null)).ReadProblemAsync(ErrorCode.ExternalToken);
        var sessions = await (await client.GetAsync("/api/v1/auth/sessions")).ReadAsync<SessionList>();

        var minted = Assert.Single(sessions.Sessions);
        Assert.False(minted.Current);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/auth/sessions/{minted.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task RefreshFrame_OnExternalSocket_NewerExternalTokenOkOtherUsersRefused()
    {
        var subject = idps.NextSubject("finn");
        using var server = await idps.Server.ServerClientAsync();
        await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, subject, null));
        var other = await idps.Server.RegisterAsync();
        await using var socket = await RawSocket.ReadyAsync(idps.Server.BaseUri, idps.A.Sign(idps.A.Claims(subject), idps.ARsa));

        await socket.SendAsync(new { op = "refresh", id = "r1", token = idps.A.Sign(idps.A.Claims(subject, lifetime: TimeSpan.FromMinutes(50)), idps.AEc) });
        Assert.Equal("ok", (await socket.ReceiveOpAsync("ok")).GetProperty("op").GetString());
        await socket.SendAsync(new { op = "refresh", id = "r2", token = other.Tokens.AccessToken });
        var error = await socket.ReceiveOpAsync("error");

        Assert.Equal("invalid_token", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ExternalTokenExpires_NoRefresh_SocketClosed4001RefreshedSocketSurvives()
    {
        var subject = idps.NextSubject("exp");
        using var server = await idps.Server.ServerClientAsync();
        await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, subject, null));
        var shortToken = idps.A.Sign(idps.A.Claims(subject, lifetime: TimeSpan.FromSeconds(2)), idps.ARsa);
        await using var expiring = await RawSocket.ReadyAsync(idps.Server.BaseUri, shortToken);
        await using var refreshed = await RawSocket.ReadyAsync(idps.Server.BaseUri, shortToken);
        await refreshed.SendAsync(new { op = "refresh", id = "r1", token = idps.A.Sign(idps.A.Claims(subject), idps.ARsa) });
        Assert.Equal("ok", (await refreshed.ReceiveOpAsync("ok")).GetProperty("op").GetString());
        var clock = Stopwatch.StartNew();

        Assert.Equal(4001, await expiring.ReceiveCloseAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"closed {clock.Elapsed} after the token had some 2 s left");
        await Gateway.GatewayHelpers.ExpectQuietAsync(refreshed);
    }
}
