using TokenIM.Cli.Config;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Cli;

/// <summary>
/// The generated docs are current: docs/configuration.md's settings and docs/operations.md's log events are what
/// scripts/gen-config-docs.sh writes from the code now (this replaces the check that every setting is named in the
/// hand-written page), and every log event id is the server's only one of that number.
/// </summary>
public sealed class ConfigDocsTests
{
    private static string Doc(string relative) => File.ReadAllText(Path.Combine(Repository.Root, relative));

    [Fact]
    public void ConfigurationDoc_IsWhatTheGeneratorWrites()
    {
        var committed = Doc("docs/configuration.md");

        var generated = SettingsText.Splice(committed, ConfigCommand.SettingsBegin, ConfigCommand.SettingsEnd, SettingsText.Markdown(SettingCatalogue.Sections()));

        Assert.True(committed == generated, "docs/configuration.md is stale: run scripts/gen-config-docs.sh (the doc comments of the options are its source).");
    }

    [Fact]
    public void OperationsDoc_LogEventTableIsWhatTheGeneratorWrites()
    {
        var committed = Doc("docs/operations.md");

        var generated = SettingsText.Splice(committed, ConfigCommand.EventsBegin, ConfigCommand.EventsEnd, LogEvents.Markdown(LogEvents.All()));

        Assert.True(committed == generated, "The Logs table of docs/operations.md is stale: run scripts/gen-config-docs.sh.");
    }

    [Fact]
    public void LogEvents_IdsAreUniqueAcrossTheServer()
    {
        var events = LogEvents.All();

        Assert.NotEmpty(events);
        Assert.Empty(events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Class}.{e.Name}"))}"));
    }

    [Fact]
    public void Splice_KeepsTheTextAroundTheMarkers()
    {
        var document = "intro\n<!-- b -->\nold\n<!-- e -->\noutro\n";

        Assert.Equal("intro\n<!-- b -->\n\nnew\n\n<!-- e -->\noutro\n", SettingsText.Splice(document, "<!-- b -->", "<!-- e -->", "new\n"));
    }
}
