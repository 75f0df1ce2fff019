using System.Net;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

public sealed class RefreshTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        factory.CreateClient().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(refreshToken));

    private Task<HttpResponseMessage> MeAsync(string accessToken) => factory.ClientWith(accessToken).GetAsync("/api/v1/users/me");

    [Fact]
    public async Task Refresh_RotatesEveryTime_AndEachNewPairWorks()
    {
        var user = await factory.RegisterAsync();
        var current = user.Tokens;
        var seen = new HashSet<string> { current.RefreshToken };

        for (var i = 0; i < 20; i++)
        {
            var next = await (await RefreshAsync(current.RefreshToken)).ReadAsync<TokenResponse>();
            Assert.True(seen.Add(next.RefreshToken), "a refresh token was issued twice");
            Assert.Equal(current.SessionId, next.SessionId);
            Assert.Equal(user.Id, next.User.Id);
            Assert.Equal(HttpStatusCode.OK, (await MeAsync(next.AccessToken)).StatusCode);
            current = next;
        }
    }

    [Fact]
    public async Task Refresh_SpentTokenAfterNewPairUsed_RevokesTheWholeSession()
    {
        var user = await factory.RegisterAsync();
        var next = await (await RefreshAsync(user.Tokens.RefreshToken)).ReadAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(next.AccessToken)).StatusCode); // the new pair is now in use

        var replay = await RefreshAsync(user.Tokens.RefreshToken);

        await replay.ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        // Theft detected: the thief's and the owner's tokens of that session all stop working.
        await (await MeAsync(next.AccessToken)).ReadProblemAsync(ErrorCode.SessionRevoked);
        await (await RefreshAsync(next.RefreshToken)).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        // Other sessions of the user are untouched.
        var other = await (await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).ReadAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(other.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task Refresh_SpentTokenAfterNewRefreshTokenUsed_IsTheft()
    {
        var user = await factory.RegisterAsync();
        var second = await (await RefreshAsync(user.Tokens.RefreshToken)).ReadAsync<TokenResponse>();
        var third = await (await RefreshAsync(second.RefreshToken)).ReadAsync<TokenResponse>();

        await (await RefreshAsync(user.Tokens.RefreshToken)).ReadProblemAsync(ErrorCode.InvalidRefreshToken);

        await (await MeAsync(third.AccessToken)).ReadProblemAsync(ErrorCode.SessionRevoked);
    }

    [Fact]
    public async Task Refresh_RetryBeforeNewPairIsUsed_GetsFreshPairAndVoidsTheUnusedOne()
    {
        var user = await factory.RegisterAsync();
        var lost = await (await RefreshAsync(user.Tokens.RefreshToken)).ReadAsync<TokenResponse>();

        // The client never saw `lost` and repeats the refresh.
        var retry = await (await RefreshAsync(user.Tokens.RefreshToken)).ReadAsync<TokenResponse>();

        Assert.NotEqual(lost.RefreshToken, retry.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(retry.AccessToken)).StatusCode);
        await (await MeAsync(lost.AccessToken)).ReadProblemAsync(ErrorCode.InvalidToken);
        await (await RefreshAsync(lost.RefreshToken)).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        // The void pair was never spent, so presenting it is not theft: the session lives on.
        var next = await (await RefreshAsync(retry.RefreshToken)).ReadAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(next.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task Refresh_OldAccessTokenOfParentPair_StillWorksUntilItExpires()
    {
        var user = await factory.RegisterAsync();
        var next = await (await RefreshAsync(user.Tokens.RefreshToken)).ReadAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(next.AccessToken)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await MeAsync(user.Tokens.AccessToken)).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task Refresh_UnknownOrMalformedToken_Returns401(string token)
    {
        await (await RefreshAsync(token)).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
    }

    [Fact]
    public async Task Refresh_AccessTokenUsedAsRefreshToken_Returns401()
    {
        var user = await factory.RegisterAsync();

        await (await RefreshAsync(user.Tokens.AccessToken)).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
    }

    [Fact]
    public async Task Refresh_ParallelRefreshesOfOneToken_NeverSignTheUserOut()
    {
        var user = await factory.RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefreshAsync(user.Tokens.RefreshToken)));

        // Every racer gets a pair (the later ones as grace retries); the last issued pair is live.
        var pairs = new List<TokenResponse>();
        foreach (var response in responses)
            pairs.Add(await response.ReadAsync<TokenResponse>());
        var live = 0;
        foreach (var pair in pairs)
        {
            if ((await MeAsync(pair.AccessToken)).StatusCode == HttpStatusCode.OK)
            {
                live++;
                Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(pair.RefreshToken)).StatusCode);
                break;
            }
        }

        Assert.Equal(1, live);
    }

    [Fact]
    public async Task Refresh_IdleAndAbsoluteLifetimes_EndTheSession()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var own = new TokenImFactory { Clock = clock };
        var user = await own.RegisterAsync();
        var client = own.CreateClient();

        // Used every 6 days, the session lives past the 7-day idle limit…
        var current = user.Tokens;
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromDays(6));
            current = await (await client.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(current.RefreshToken))).ReadAsync<TokenResponse>();
        }

        // …but not past 30 days from sign-in (now day 24 + 6 = day 30).
        clock.Advance(TimeSpan.FromDays(6));
        await (await client.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(current.RefreshToken))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);

        // A fresh session left alone for 7 days ends too.
        var idle = await (await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).ReadAsync<TokenResponse>();
        clock.Advance(TimeSpan.FromDays(7));
        await (await client.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(idle.RefreshToken))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
    }
}
