using System.Diagnostics;
using System.Net;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>A session that ends closes its sockets with 4001 within one second; other sessions' sockets stay.</summary>
public sealed class GatewayRevocationTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(1);

    /// <summary>Each socket must close with 4001; returns the milliseconds from <paramref name="since"/> to the slowest close.</summary>
    private static async Task<long> ExpectRevokedAsync(Stopwatch since, string what, params RawSocket[] sockets)
    {
        var closedAt = await Task.WhenAll(sockets.Select(async socket =>
        {
            Assert.Equal(4001, await socket.ReceiveCloseAsync());
            return since.Elapsed;
        }));
        var within = closedAt.Count(t => t < s_deadline);
        var max = (long)closedAt.Max().TotalMilliseconds;
        TestContext.Current.TestOutputHelper?.WriteLine($"revocation ({what}): sockets={sockets.Length} closed_within_1s={within} max_ms={max}");
        Assert.Equal(sockets.Length, within);
        return max;
    }

    private async Task<(TestUser Session1, TestUser Session2, RawSocket[] Sockets1, RawSocket Socket2)> ArrangeAsync()
    {
        _ = factory.BaseUri;
        var session1 = await factory.RegisterAsync();
        var session2 = await factory.LoginAsync(session1, "second device");
        RawSocket[] sockets1 = [await factory.OpenAsync(session1), await factory.OpenAsync(session1)];
        var socket2 = await factory.OpenAsync(session2);
        await GatewayHelpers.SettleAsync([.. sockets1, socket2]);
        return (session1, session2, sockets1, socket2);
    }

    private static async Task DisposeAllAsync(params RawSocket[] sockets)
    {
        foreach (var socket in sockets)
            await socket.DisposeAsync();
    }

    [Fact]
    public async Task Logout_SessionWithTwoSockets_BothClosed4001WithinOneSecondOthersStay()
    {
        var (session1, session2, sockets1, socket2) = await ArrangeAsync();
        try
        {
            var response = await session1.Client.PostAsync("/api/v1/auth/logout", null);
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

            await ExpectRevokedAsync(clock, "logout", sockets1);
            await socket2.ExpectQuietAsync();
            Assert.Equal(HttpStatusCode.OK, (await session2.Client.GetAsync("/api/v1/users/me")).StatusCode);
        }
        finally
        {
            await DisposeAllAsync([.. sockets1, socket2]);
        }
    }

    [Fact]
    public async Task RevokeSession_FromOtherDevice_ThatSessionsSocketsClosed4001WithinOneSecond()
    {
        var (session1, session2, sockets1, socket2) = await ArrangeAsync();
        try
        {
            var response = await session2.Client.DeleteAsync($"/api/v1/auth/sessions/{session1.Tokens.SessionId}");
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

            await ExpectRevokedAsync(clock, "delete session", sockets1);
            await socket2.ExpectQuietAsync();
        }
        finally
        {
            await DisposeAllAsync([.. sockets1, socket2]);
        }
    }

    [Fact]
    public async Task ChangePassword_OtherSessionsSocketsClosed4001WithinOneSecondOwnStays()
    {
        var (session1, session2, sockets1, socket2) = await ArrangeAsync();
        var session3 = await factory.LoginAsync(session1, "third device");
        var socket3 = await factory.OpenAsync(session3);
        try
        {
            var response = await session2.Client.PostJsonAsync("/api/v1/auth/password", new ChangePasswordRequest(session1.Password, "a fresh passphrase 2026"));
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

            await ExpectRevokedAsync(clock, "password change", [.. sockets1, socket3]);
            await socket2.ExpectQuietAsync();
        }
        finally
        {
            await DisposeAllAsync([.. sockets1, socket2, socket3]);
        }
    }

    [Fact]
    public async Task Refresh_TokenOfSameSession_OkAndSocketKeepsWorking()
    {
        var user = await factory.RegisterAsync();
        await using var socket = await factory.OpenAsync(user);
        var refreshed = await (await factory.CreateClient().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(user.Tokens.RefreshToken))).ReadAsync<TokenResponse>();

        await socket.SendAsync(new { op = "refresh", id = "r1", token = refreshed.AccessToken });

        var ok = await socket.ReceiveAsync();
        Assert.Equal(("ok", "r1"), (ok.Op(), ok.Str("re")));
        await socket.ExpectQuietAsync();
    }

    public static TheoryData<string, string> ForeignTokenCases => new()
    {
        { "other-session-same-user", "invalid_token" },
        { "other-user", "invalid_token" },
        { "garbage", "invalid_token" },
        { "expired-same-session", "token_expired" },
    };

    [Theory]
    [MemberData(nameof(ForeignTokenCases))]
    public async Task Refresh_TokenNotOfThisSocketsSession_ErrorAndSocketStays(string kind, string code)
    {
        var user = await factory.RegisterAsync();
        await using var socket = await factory.OpenAsync(user);
        var forge = new TokenForge(factory.DataDirectory);
        var token = kind switch
        {
            "other-user" => (await factory.RegisterAsync()).Tokens.AccessToken,
            "garbage" => "eyJ.not.a.token",
            "expired-same-session" => forge.Sign(TokenForge.Claims(user.Id, user.Tokens.SessionId, DateTimeOffset.UtcNow.AddMinutes(-20)), kid: forge.KeyId),
            _ => (await factory.LoginAsync(user, "elsewhere")).Tokens.AccessToken,
        };

        await socket.SendAsync(new { op = "refresh", id = "r1", token });

        await socket.ExpectErrorAsync(code, "r1");
        await socket.ExpectQuietAsync();
    }
}
