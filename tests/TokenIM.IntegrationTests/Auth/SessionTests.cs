using System.Net;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

public sealed class SessionTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private async Task<TokenResponse> LoginAsync(TestUser user, string device) =>
        await (await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password, device))).ReadAsync<TokenResponse>();

    [Fact]
    public async Task Sessions_ListShowsEveryDeviceNewestFirst_AndMarksTheCurrent()
    {
        var user = await factory.RegisterAsync();
        await LoginAsync(user, "tablet");
        var phone = await LoginAsync(user, "phone");

        var list = await (await factory.ClientWith(phone.AccessToken).GetAsync("/api/v1/auth/sessions")).ReadAsync<SessionList>();

        Assert.Equal(["phone", "tablet", "Unnamed device"], list.Sessions.Select(s => s.DeviceName));
        Assert.True(list.Sessions[0].Current);
        Assert.Equal(phone.SessionId, list.Sessions[0].Id);
        Assert.All(list.Sessions.Skip(1), s => Assert.False(s.Current));
    }

    [Fact]
    public async Task RevokeSession_EndsThatDeviceAtOnce()
    {
        var user = await factory.RegisterAsync();
        var tablet = await LoginAsync(user, "tablet");
        // Warm the tablet's session into the cache first: revocation must still take effect at once.
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(tablet.AccessToken).GetAsync("/api/v1/users/me")).StatusCode);

        var revoke = await user.Client.DeleteAsync($"/api/v1/auth/sessions/{tablet.SessionId}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await (await factory.ClientWith(tablet.AccessToken).GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.SessionRevoked);
        await (await factory.CreateClient().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(tablet.RefreshToken))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/users/me")).StatusCode);
        var list = await (await user.Client.GetAsync("/api/v1/auth/sessions")).ReadAsync<SessionList>();
        Assert.DoesNotContain(list.Sessions, s => s.Id == tablet.SessionId);
    }

    [Fact]
    public async Task RevokeSession_OfAnotherUser_Returns404AndChangesNothing()
    {
        var owner = await factory.RegisterAsync();
        var stranger = await factory.RegisterAsync();

        var response = await stranger.Client.DeleteAsync($"/api/v1/auth/sessions/{owner.Tokens.SessionId}");

        await response.ReadProblemAsync(ErrorCode.SessionNotFound);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task Logout_EndsOnlyTheCallersSession()
    {
        var user = await factory.RegisterAsync();
        var other = await LoginAsync(user, "other");

        var response = await user.Client.PostAsync("/api/v1/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await user.Client.GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.SessionRevoked);
        await (await factory.CreateClient().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(user.Tokens.RefreshToken))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(other.AccessToken).GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_EndsEveryOtherSession_AndTheNewPasswordWorks()
    {
        var user = await factory.RegisterAsync();
        var other = await LoginAsync(user, "other");
        const string newPassword = "a brand new passphrase";

        var response = await user.Client.PostJsonAsync("/api/v1/auth/password", new ChangePasswordRequest(user.Password, newPassword));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/users/me")).StatusCode);
        await (await factory.ClientWith(other.AccessToken).GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.SessionRevoked);
        await (await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).ReadProblemAsync(ErrorCode.InvalidCredentials);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, newPassword))).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentOrWeakNew_IsRefusedAndChangesNothing()
    {
        var user = await factory.RegisterAsync();

        var wrong = await user.Client.PostJsonAsync("/api/v1/auth/password", new ChangePasswordRequest("not my password", "a brand new passphrase"));
        var weak = await user.Client.PostJsonAsync("/api/v1/auth/password", new ChangePasswordRequest(user.Password, "password1"));

        Assert.True((await wrong.ReadProblemAsync(ErrorCode.ValidationFailed)).Errors!.ContainsKey("currentPassword"));
        Assert.True((await weak.ReadProblemAsync(ErrorCode.ValidationFailed)).Errors!.ContainsKey("newPassword"));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/auth/sessions")]
    [InlineData("POST", "/api/v1/auth/logout")]
    [InlineData("POST", "/api/v1/auth/password")]
    [InlineData("GET", "/api/v1/users/me")]
    [InlineData("GET", "/api/v1/users?query=ab")]
    [InlineData("GET", "/api/v1/conversations")]
    public async Task ProtectedRoutes_WithoutToken_Return401(string method, string path)
    {
        var response = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.ReadProblemAsync(ErrorCode.InvalidToken);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
