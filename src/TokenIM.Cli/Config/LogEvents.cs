using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;
using TokenIM.Server.Hosting;

namespace TokenIM.Cli.Config;

/// <summary>One event the server logs, from its <c>[LoggerMessage]</c> declaration.</summary>
/// <param name="Id">The event id, unique across the server.</param>
/// <param name="Name">The event name: the attribute's, else the method's (as the logging source generator names it).</param>
/// <param name="Class">The declaring class: the category of the logs its loggers write, in nearly every case.</param>
/// <param name="Level">The level it is logged at.</param>
/// <param name="Template">The message template; its named values are the <c>fields</c> of a JSON log line.</param>
internal sealed record LogEvent(int Id, string Name, string Level, string Class, string Template);

/// <summary>The server's log events, read by reflection from the <c>[LoggerMessage]</c> attributes, for the Logs table in docs/operations.md.</summary>
internal static class LogEvents
{
    public static IReadOnlyList<LogEvent> All() =>
    [
        .. typeof(TokenImOptions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => new LogEvent(m.Attribute!.EventId, m.Attribute.EventName ?? m.Method.Name, m.Attribute.Level.ToString(), m.Method.DeclaringType!.FullName!.Replace('+', '.'), m.Attribute.Message))
            .OrderBy(e => e.Id)
            .ThenBy(e => e.Class, StringComparer.Ordinal),
    ];

    public static string Markdown(IReadOnlyList<LogEvent> events)
    {
        var text = new StringBuilder();
        text.AppendLine("| id | name | level | class (category) | message template |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var e in events)
            text.AppendLine(FormattableString.Invariant($"| {e.Id} | {e.Name} | {e.Level} | `{e.Class}` | {e.Template.Replace("|", "\\|", StringComparison.Ordinal)} |"));
        return text.ToString();
    }
}
