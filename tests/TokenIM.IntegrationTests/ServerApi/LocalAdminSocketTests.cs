using System.Net;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>The local admin socket: every scope without a key on the socket, never over TCP.</summary>
public sealed class LocalAdminSocketTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task LocalSocket_NoKey_CreatesAKeyThatWorksOverTcp()
    {
        using var local = TokenImServerClient.ForLocalSocket(server.SocketPath);

        var created = await local.CreateApiKeyAsync("bootstrap", [ServerScopes.UsersWrite, ServerScopes.UsersRead]);

        using var remote = new TokenImServerClient(server.BaseUri, created.Token);
        var user = await remote.CreateUserAsync(new ServerCreateUserRequest(server.NextUsername("local"), null));
        Assert.Equal(user, await local.GetUserAsync(user.Id));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void LocalSocket_File_IsOwnerReadWriteOnly()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.SocketPath));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Tcp_NoKey_Is401EvenFromLoopback(string host)
    {
        Assert.True(File.Exists(server.SocketPath));
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{host}:{server.Port}/api/v1/server/api-keys"));
        request.Headers.Host = "unix";
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "unix:" + server.SocketPath);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync(ErrorCode.InvalidApiKey);
    }

    [Fact]
    public async Task Stop_RemovesTheSocketFile()
    {
        await using var own = new ServerProcess();
        await own.InitializeAsync();
        Assert.True(File.Exists(own.SocketPath));

        await own.StopAsync();

        Assert.False(File.Exists(own.SocketPath), own.Output);
    }
}
