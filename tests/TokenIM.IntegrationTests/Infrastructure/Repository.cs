namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>The repository the tests run from: its scripts, samples and documents.</summary>
public static class Repository
{
    /// <summary>The folder holding TokenIM.slnx, above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenIM.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No TokenIM.slnx above {AppContext.BaseDirectory}: the tests run from inside the repository.");
    }
}
