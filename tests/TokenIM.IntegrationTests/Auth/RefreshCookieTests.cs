using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

/// <summary>Cookie mode, for browsers: the refresh token lives only in an HttpOnly, SameSite=Strict cookie.</summary>
public sealed class RefreshCookieTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

    private static string CookieHeader(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("tokenim_refresh=", StringComparison.Ordinal));

    [Fact]
    public async Task Login_CookieMode_PutsTheRefreshTokenOnlyInAnHttpOnlyStrictCookie()
    {
        var user = await factory.RegisterAsync();
        var browser = Browser();

        var response = await browser.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password, RefreshTokenCookie: true));
        var tokens = await response.ReadAsync<TokenResponse>();

        Assert.Equal(string.Empty, tokens.RefreshToken);
        var cookie = CookieHeader(response);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/v1/auth", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^tokenim_refresh=[A-Za-z0-9_-]{43};", cookie);
    }

    [Fact]
    public async Task Refresh_CookieMode_RotatesTheCookieAndSignsOutOnLogout()
    {
        var user = await factory.RegisterAsync();
        var browser = Browser();
        var first = await browser.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password, RefreshTokenCookie: true));
        var firstCookie = CookieHeader(first);

        var refreshed = await browser.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(null));
        var tokens = await refreshed.ReadAsync<TokenResponse>();

        Assert.Equal(string.Empty, tokens.RefreshToken);
        Assert.NotEqual(firstCookie, CookieHeader(refreshed));
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(tokens.AccessToken).GetAsync("/api/v1/users/me")).StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        logout.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(logout)).StatusCode);
        await (await browser.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(null))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
    }

    [Fact]
    public async Task Refresh_NoBodyTokenAndNoCookie_Returns401()
    {
        await (await Browser().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(null))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
    }

    [Fact]
    public async Task Register_CookieMode_SetsTheCookie()
    {
        var response = await Browser().PostJsonAsync("/api/v1/auth/register", new RegisterRequest(factory.NextUsername("cookie"), Api.DefaultPassword, RefreshTokenCookie: true));

        Assert.Equal(string.Empty, (await response.ReadAsync<TokenResponse>(HttpStatusCode.Created)).RefreshToken);
        Assert.StartsWith("tokenim_refresh=", CookieHeader(response), StringComparison.Ordinal);
    }
}
