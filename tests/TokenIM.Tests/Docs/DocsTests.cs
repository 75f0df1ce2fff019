using TokenIM.Protocol;

namespace TokenIM.Tests.Docs;

/// <summary>Keeps the documents true to the code: every error code is documented (settings: Cli/ConfigDocsTests in the integration tests, against the generated page).</summary>
public sealed class DocsTests
{
    private static string Read(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TokenIM.slnx")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, relative));
    }

    [Fact]
    public void ProtocolDoc_ListsEveryErrorCodeWithItsStatus()
    {
        var doc = Read("docs/protocol.md");

        Assert.All(ErrorCode.All, code => Assert.Contains($"| `{code.Code}` | {code.Status} |", doc, StringComparison.Ordinal));
    }
}
