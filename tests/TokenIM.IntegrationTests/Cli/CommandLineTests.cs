using System.CommandLine;
using TokenIM.Cli;

namespace TokenIM.IntegrationTests.Cli;

/// <summary>The command line parses what its help promises (System.CommandLine has no URI converter of its own).</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("chat", "--user", "alice")]
    [InlineData("bench", "direct")]
    [InlineData("bench", "connections", "--sockets", "10")]
    public void Server_AnAbsoluteHttpAddress_ParsesWithATrailingSlash(params string[] command)
    {
        var result = TokenImCli.Create().Parse([.. command, "--server", "http://127.0.0.1:9000"]);

        Assert.Empty(result.Errors);
        var server = result.CommandResult.Command.Options.OfType<Option<Uri>>().Single(o => o.Name == "--server");
        Assert.Equal(new Uri("http://127.0.0.1:9000/"), result.GetValue(server));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/relative")]
    public void Server_NotAnHttpAddress_IsAParseErrorNamingTheOption(string value)
    {
        var result = TokenImCli.Create().Parse(["bench", "direct", "--server", value]);

        var error = Assert.Single(result.Errors);
        Assert.Contains("--server", error.Message, StringComparison.Ordinal);
    }
}
