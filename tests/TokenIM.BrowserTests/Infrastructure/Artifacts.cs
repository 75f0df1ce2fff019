namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>Where the suite leaves files meant to be kept: <c>artifacts/</c> at the repository root (gitignored).</summary>
public static class Artifacts
{
    /// <summary>The repository root: the first folder up from the test binaries that holds <c>TokenIM.slnx</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>artifacts/screenshots</c>: the desktop and mobile screenshots every run saves.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot, "artifacts", "screenshots");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenIM.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No TokenIM.slnx above {AppContext.BaseDirectory}: the tests run from inside the repository.");
    }
}
