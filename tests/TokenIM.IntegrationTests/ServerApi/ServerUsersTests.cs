using System.Net;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>Users through the server API, driven by the SDK's <see cref="TokenImServerClient"/>.</summary>
public sealed class ServerUsersTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static async Task<TokenImApiException> RefusedAsync(Func<Task> call, ErrorCode expected)
    {
        var error = await Assert.ThrowsAsync<TokenImApiException>(call);
        Assert.Equal(expected.Code, error.Code);
        Assert.Equal(expected.Status, error.Status);
        return error;
    }

    [Fact]
    public async Task CreateUser_WithExternalId_FoundByIdAndByExternalId()
    {
        using var server = await factory.ServerClientAsync();
        var username = factory.NextUsername("App");

        var created = await server.CreateUserAsync(new ServerCreateUserRequest(username, "Ada Lovelace", "crm-ada"));

        Assert.Equal(username.ToLowerInvariant(), created.Username);
        Assert.Equal("Ada Lovelace", created.DisplayName);
        Assert.False(created.Disabled);
        Assert.False(created.IsBot);
        Assert.Equal(created, await server.GetUserAsync(created.Id));
        Assert.Equal(created, await server.GetUserByExternalIdAsync("crm-ada"));
    }

    [Fact]
    public async Task CreateUser_ExternalIdOfAnotherUser_Is409ExternalIdTaken()
    {
        using var server = await factory.ServerClientAsync();
        await server.CreateUserAsync(factory, externalId: "crm-dup");

        await RefusedAsync(() => server.CreateUserAsync(factory, externalId: "crm-dup"), ErrorCode.ExternalIdTaken);
    }

    [Fact]
    public async Task UpdateUser_ExternalIdOfAnotherUser_Is409AndEmptyRemovesIt()
    {
        using var server = await factory.ServerClientAsync();
        await server.CreateUserAsync(factory, externalId: "crm-taken");
        var user = await server.CreateUserAsync(factory, externalId: "crm-mine");

        await RefusedAsync(() => server.UpdateUserAsync(user.Id, new ServerUpdateUserRequest(ExternalId: "crm-taken")), ErrorCode.ExternalIdTaken);
        var renamed = await server.UpdateUserAsync(user.Id, new ServerUpdateUserRequest("Renamed", ""));

        Assert.Equal("Renamed", renamed.DisplayName);
        Assert.Null(renamed.ExternalId);
        await RefusedAsync(() => server.GetUserByExternalIdAsync("crm-mine"), ErrorCode.UserNotFound);
    }

    [Fact]
    public async Task CreateUser_UsernameTaken_Is409UsernameTaken()
    {
        using var server = await factory.ServerClientAsync();
        var existing = await factory.RegisterAsync();

        await RefusedAsync(() => server.CreateUserAsync(new ServerCreateUserRequest(existing.Username, null)), ErrorCode.UsernameTaken);
    }

    [Fact]
    public async Task CreateUser_InvalidFields_Is400NamingEachField()
    {
        using var server = await factory.ServerClientAsync();

        var error = await RefusedAsync(
            () => server.CreateUserAsync(new ServerCreateUserRequest("x", new string('n', 65), " padded ", "short")),
            ErrorCode.ValidationFailed);

        Assert.Equal(["displayName", "externalId", "password", "username"], error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateUser_WithoutPassword_NoPasswordSignsIn()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);

        foreach (var password in new[] { Api.DefaultPassword, "any password at all" })
        {
            var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, password));
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task MintToken_PasswordlessUser_TokenWorksOnRestAndNamesTheDevice()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);

        var tokens = await server.MintTokenAsync(user.Id, "kiosk");
        var client = factory.ClientWith(tokens.AccessToken);

        Assert.Equal(user.Id, tokens.User.Id);
        Assert.Equal(user.Id, (await (await client.GetAsync("/api/v1/users/me")).ReadAsync<UserDto>()).Id);
        var sessions = await (await client.GetAsync("/api/v1/auth/sessions")).ReadAsync<SessionList>();
        Assert.Equal("kiosk", Assert.Single(sessions.Sessions).DeviceName);
        var refreshed = await factory.CreateClient().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(tokens.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task Disable_RefusesSignInRefreshMintAndEndsSessions_EnableRestoresSignIn()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory, password: Api.DefaultPassword);
        var anonymous = factory.CreateClient();
        var signedIn = await (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, Api.DefaultPassword))).ReadAsync<TokenResponse>();

        var disabled = await server.DisableUserAsync(user.Id);

        Assert.True(disabled.Disabled);
        Assert.NotNull(disabled.DisabledAt);
        await (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, Api.DefaultPassword))).ReadProblemAsync(ErrorCode.UserDisabled);
        // A wrong password is still only invalid_credentials: the state is told only to whoever knows the password.
        await (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, "wrong password!"))).ReadProblemAsync(ErrorCode.InvalidCredentials);
        await (await anonymous.PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(signedIn.RefreshToken))).ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        await (await factory.ClientWith(signedIn.AccessToken).GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.SessionRevoked);
        await RefusedAsync(() => server.MintTokenAsync(user.Id), ErrorCode.UserDisabled);

        Assert.False((await server.EnableUserAsync(user.Id)).Disabled);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, Api.DefaultPassword))).StatusCode);
        await server.MintTokenAsync(user.Id);
    }

    [Fact]
    public async Task SignOut_EndsEverySessionOfTheUserOnly()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        var other = await factory.RegisterAsync();
        var first = await server.MintTokenAsync(user.Id, "one");
        var second = await server.MintTokenAsync(user.Id, "two");

        await server.SignOutUserAsync(user.Id);

        await (await factory.ClientWith(first.AccessToken).GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.SessionRevoked);
        await (await factory.ClientWith(second.AccessToken).GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.SessionRevoked);
        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task UnknownUser_EveryUserRoute_Is404UserNotFound()
    {
        using var server = await factory.ServerClientAsync();

        await RefusedAsync(() => server.GetUserAsync("nobody"), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.GetUserByExternalIdAsync("nobody"), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.UpdateUserAsync("nobody", new ServerUpdateUserRequest("x")), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.DisableUserAsync("nobody"), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.EnableUserAsync("nobody"), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.MintTokenAsync("nobody"), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.SignOutUserAsync("nobody"), ErrorCode.UserNotFound);
    }
}
