using System.CommandLine;
using TokenIM.Cli.Admin;
using TokenIM.Cli.Bench;
using TokenIM.Cli.Chat;
using TokenIM.Cli.Config;

namespace TokenIM.Cli;

/// <summary><c>tokenim &lt;command&gt;</c>: each command is a folder of its own; this class only wires them.</summary>
internal static class TokenImCli
{
    public static Task<int> Main(string[] args) => Create().Parse(args).InvokeAsync();

    public static RootCommand Create()
    {
        var root = new RootCommand("TokenIM command line: chat from a terminal, administer and measure a server.");
        root.Subcommands.Add(ChatCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(AdminCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        return root;
    }
}
