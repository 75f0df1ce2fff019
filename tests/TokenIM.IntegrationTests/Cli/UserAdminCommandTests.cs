using System.CommandLine;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim admin users admin ID --on|--off</c> over the local socket: the role changes, and exactly one flag is needed.</summary>
public sealed class UserAdminCommandTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task UsersAdmin_OnThenOff_PrintsTheUserWithTheRole()
    {
        var created = await RunAsync("admin", "--local", server.SocketPath, "users", "create", "--username", server.NextUsername("role"));
        Assert.True(created.Exit == 0, created.Error);
        var id = JsonSerializer.Deserialize<ServerUserDto>(created.Output, Api.Json)!.Id;

        var on = await RunAsync("admin", "--local", server.SocketPath, "users", "admin", id, "--on");
        var off = await RunAsync("admin", "--local", server.SocketPath, "users", "admin", id, "--off");

        Assert.True(on.Exit == 0, on.Error);
        Assert.True(JsonSerializer.Deserialize<ServerUserDto>(on.Output, Api.Json)!.IsAdmin);
        Assert.True(off.Exit == 0, off.Error);
        Assert.False(JsonSerializer.Deserialize<ServerUserDto>(off.Output, Api.Json)!.IsAdmin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--on --off")]
    public async Task UsersAdmin_NeitherOrBothFlags_RefusedNamingThem(string given)
    {
        var flags = given.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = await RunAsync(["admin", "--local", server.SocketPath, "users", "admin", "some-user", .. flags]);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("--on", result.Error, StringComparison.Ordinal);
    }
}
