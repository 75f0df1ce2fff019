using System.CommandLine;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim admin</c> end to end: the first key through the local socket, then users over TCP with it.</summary>
public sealed class AdminCommandTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static T Read<T>(string output) => JsonSerializer.Deserialize<T>(output, Api.Json)!;

    [Fact]
    public async Task Admin_KeyOverLocalSocketThenUsersOverUrl_EachStepPrintsJson()
    {
        var socket = server.SocketPath;

        var create = await RunAsync("admin", "apikey", "create", "--name", "ci", "--scopes", "users:read,users:write", "tokens:mint", "--local", socket);
        Assert.True(create.Exit == 0, create.Error);
        var key = Read<CreatedApiKey>(create.Output);
        Assert.Equal(["users:read", "users:write", "tokens:mint"], key.Key.Scopes);

        string[] remote = ["--url", server.BaseUri.AbsoluteUri, "--api-key", key.Token];
        var user = await RunAsync(["admin", "users", "create", "--username", server.NextUsername("cli"), "--external-id", "cli-1", .. remote]);
        Assert.True(user.Exit == 0, user.Error);
        var id = Read<ServerUserDto>(user.Output).Id;
        var byExternal = await RunAsync(["admin", "users", "get", "cli-1", "--external-id", .. remote]);
        Assert.Equal(id, Read<ServerUserDto>(byExternal.Output).Id);
        var minted = await RunAsync(["admin", "users", "mint-token", id, "--device", "cli", .. remote]);
        Assert.Equal(id, Read<TokenResponse>(minted.Output).User.Id);
        var disabled = await RunAsync(["admin", "users", "disable", id, .. remote]);
        Assert.True(Read<ServerUserDto>(disabled.Output).Disabled);

        var refused = await RunAsync(["admin", "users", "sign-out", id, .. remote]);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("insufficient_scope", refused.Error, StringComparison.Ordinal);

        var revoke = await RunAsync("admin", "--local", socket, "apikey", "revoke", key.Key.Id);
        Assert.True(revoke.Exit == 0, revoke.Error);
        var afterRevoke = await RunAsync(["admin", "users", "get", id, .. remote]);
        Assert.Equal(1, afterRevoke.Exit);
        Assert.Contains("invalid_api_key", afterRevoke.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_NoServerNamed_Exits2SayingHow()
    {
        var result = await RunAsync("admin", "apikey", "list");

        Assert.Equal(2, result.Exit);
        Assert.Contains("--local", result.Error, StringComparison.Ordinal);
    }
}
