using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>Minted tokens on the WebSocket, and a disable that closes the user's open sockets.</summary>
public sealed class ServerApiSocketTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    [Fact]
    public async Task MintToken_PasswordlessUser_OpensASocket()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        var tokens = await server.MintTokenAsync(user.Id);

        await using var socket = await RawSocket.ReadyAsync(factory.BaseUri, tokens.AccessToken);

        await socket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Disable_UserWithAnOpenSocket_SocketClosed4001()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        var other = await factory.RegisterAsync();
        await using var socket = await RawSocket.ReadyAsync(factory.BaseUri, (await server.MintTokenAsync(user.Id)).AccessToken);
        await using var bystander = await factory.OpenAsync(other);
        await GatewayHelpers.SettleAsync(socket, bystander);

        await server.DisableUserAsync(user.Id);

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
        await bystander.ExpectQuietAsync();
    }

    [Fact]
    public async Task SignOut_UserWithAnOpenSocket_SocketClosed4001()
    {
        using var server = await factory.ServerClientAsync();
        var user = await server.CreateUserAsync(factory);
        await using var socket = await RawSocket.ReadyAsync(factory.BaseUri, (await server.MintTokenAsync(user.Id)).AccessToken);
        await GatewayHelpers.SettleAsync(socket);

        await server.SignOutUserAsync(user.Id);

        Assert.Equal(4001, await socket.ReceiveCloseAsync());
    }
}
