using System.CommandLine;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.Cli.Admin;

namespace TokenIM.IntegrationTests.Backup;

/// <summary><c>tokenim admin backup|restore</c> run in-process, as an operator would run them on the server's machine.</summary>
internal static class BackupCli
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the command and returns its report, failing the test with stderr when it did not succeed.</summary>
    public static async Task<BackupReport> RunOkAsync(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.True(exit == 0, $"tokenim {string.Join(' ', args)} exited {exit}: {error}");
        return JsonSerializer.Deserialize(output, BackupJsonContext.Default.BackupReport)!;
    }

    /// <summary>A fresh folder path (not created) under the temp folder, for a backup.</summary>
    public static string NewFolder() => Path.Combine(Path.GetTempPath(), $"tokenim-backup-{Guid.NewGuid():N}");

    /// <summary>What a restore renamed aside in <paramref name="folder"/>.</summary>
    public static string[] SetAside(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*.before-restore-*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
