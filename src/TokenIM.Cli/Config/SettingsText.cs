using System.Text;
using System.Text.Json;

namespace TokenIM.Cli.Config;

/// <summary>The catalogue printed as text for a terminal, as Markdown for docs/configuration.md, or as JSON for tools.</summary>
internal static class SettingsText
{
    public static string Text(IReadOnlyList<SettingSection> sections)
    {
        var text = new StringBuilder();
        foreach (var section in sections)
        {
            text.Append("# ").AppendLine(section.Name);
            foreach (var setting in section.Settings)
            {
                text.Append(setting.Name).Append(" = ").Append(setting.Default.Replace("`", string.Empty, StringComparison.Ordinal))
                    .Append("  (").Append(setting.Type).AppendLine(")");
                if (setting.Description.Length > 0)
                    text.Append("    ").AppendLine(setting.Description);
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    public static string Markdown(IReadOnlyList<SettingSection> sections)
    {
        var text = new StringBuilder();
        foreach (var section in sections)
        {
            text.Append("### ").AppendLine(section.Name == SettingCatalogue.FrameworkSection ? section.Name : $"`{section.Name}`").AppendLine();
            if (section.Description.Length > 0)
                text.AppendLine(section.Description).AppendLine();
            text.AppendLine("| setting | type | default | meaning |");
            text.AppendLine("| --- | --- | --- | --- |");
            foreach (var setting in section.Settings)
                text.Append(CultureInfoFree($"| `{setting.Name}` | {setting.Type} | {Cell(setting.Default)} | {Cell(setting.Description)} |")).AppendLine();
            text.AppendLine();
        }

        return text.ToString().TrimEnd() + "\n";
    }

    public static string Json(IReadOnlyList<SettingSection> sections)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var setting in sections.SelectMany(s => s.Settings))
            {
                json.WriteStartObject();
                json.WriteString("name", setting.Name);
                json.WriteString("section", setting.Section);
                json.WriteString("type", setting.Type);
                json.WriteString("default", setting.Default.Replace("`", string.Empty, StringComparison.Ordinal));
                json.WriteString("description", setting.Description);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// <paramref name="document"/> with the text between the two marker lines replaced by <paramref name="generated"/>:
    /// everything outside them (the hand-written introduction and notes) stays as written.
    /// </summary>
    public static string Splice(string document, string begin, string end, string generated)
    {
        var start = document.IndexOf(begin, StringComparison.Ordinal);
        var stop = document.IndexOf(end, StringComparison.Ordinal);
        if (start < 0 || stop < start)
            throw new InvalidOperationException($"The document has no '{begin}' … '{end}' markers to write between.");
        var from = document.IndexOf('\n', start) + 1;
        return document[..from] + "\n" + generated + "\n" + document[stop..];
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string CultureInfoFree(FormattableString text) => FormattableString.Invariant(text);
}
