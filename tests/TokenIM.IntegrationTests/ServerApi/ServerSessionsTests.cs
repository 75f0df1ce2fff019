using System.Net;
using TokenIM.Client;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>One user's sessions through the server API: listed as the user sees them, ended one by one at once.</summary>
public sealed class ServerSessionsTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static async Task RefusedAsync(Func<Task> call, ErrorCode expected)
    {
        var error = await Assert.ThrowsAsync<TokenImApiException>(call);
        Assert.Equal(expected.Code, error.Code);
    }

    [Fact]
    public async Task ListSessions_TwoDevices_NewestFirstWithTheirNames()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        var phone = await server.MintTokenAsync(user.Id, "phone");
        var laptop = await server.MintTokenAsync(user.Id, "laptop");

        var sessions = await server.ListUserSessionsAsync(user.Id);

        Assert.Equal([laptop.SessionId, phone.SessionId], sessions.Select(s => s.Id));
        Assert.Equal(["laptop", "phone"], sessions.Select(s => s.DeviceName));
        Assert.All(sessions, s => Assert.False(s.Current));
        Assert.All(sessions, s => Assert.True(s.LastUsedAt >= s.CreatedAt));
    }

    [Fact]
    public async Task RevokeSession_OpenSocket_Closed4001RefreshRefusedOtherSessionUntouched()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        var revoked = await server.MintTokenAsync(user.Id, "stolen phone");
        var kept = await server.MintTokenAsync(user.Id, "laptop");
        await using var revokedSocket = await RawSocket.ReadyAsync(factory.BaseUri, revoked.AccessToken);
        await using var keptSocket = await RawSocket.ReadyAsync(factory.BaseUri, kept.AccessToken);
        await GatewayHelpers.SettleAsync(revokedSocket, keptSocket);

        await server.RevokeUserSessionAsync(user.Id, revoked.SessionId);

        Assert.Equal(4001, await revokedSocket.ReceiveCloseAsync());
        await keptSocket.ExpectQuietAsync(ignorePresence: true);
        var refresh = await factory.CreateClient().PostJsonAsync("/api/v1/auth/refresh", new RefreshRequest(revoked.RefreshToken));
        await refresh.ReadProblemAsync(ErrorCode.InvalidRefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(revoked.AccessToken).GetAsync("/api/v1/users/me")).StatusCode);
        Assert.Equal(kept.SessionId, Assert.Single(await server.ListUserSessionsAsync(user.Id)).Id);
    }

    [Fact]
    public async Task RevokeSession_UnknownOrOtherUsersSession_404()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        var other = await server.CreateUserAsync(factory);
        var othersSession = (await server.MintTokenAsync(other.Id)).SessionId;

        await RefusedAsync(() => server.RevokeUserSessionAsync(user.Id, "no-such-session"), ErrorCode.SessionNotFound);
        await RefusedAsync(() => server.RevokeUserSessionAsync(user.Id, othersSession), ErrorCode.SessionNotFound);
        await RefusedAsync(() => server.RevokeUserSessionAsync("no-such-user", othersSession), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.ListUserSessionsAsync("no-such-user"), ErrorCode.UserNotFound);
        Assert.Single(await server.ListUserSessionsAsync(other.Id));
    }

    [Fact]
    public async Task RevokeSession_SocketOnTheOtherNode_Closed4001()
    {
        await using var nodes = TwoNodes.Start();
        using var server = await nodes.First.ServerClientAsync(ServerScopes.UsersWrite, ServerScopes.TokensMint, ServerScopes.SessionsRevoke);
        var user = await server.CreateUserAsync(nodes.First);
        var tokens = await server.MintTokenAsync(user.Id);
        await using var socket = await RawSocket.ReadyAsync(nodes.Second.BaseUri, tokens.AccessToken);
        await GatewayHelpers.SettleAsync(socket);

        await server.RevokeUserSessionAsync(user.Id, tokens.SessionId);

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
    }
}
