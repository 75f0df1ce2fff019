namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// A test's one line of figures (what was tried, what held): to the test output, and appended to the file named by
/// <c>TOKENIM_FIGURES</c>, which scripts/test.sh prints at the end of the run — a passing test's output is otherwise
/// not shown.
/// </summary>
public static class Figures
{
    private static readonly Lock s_file = new();

    public static void Print(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("TOKENIM_FIGURES") is not { Length: > 0 } path)
            return;
        lock (s_file)
            File.AppendAllText(path, line + Environment.NewLine);
    }
}
