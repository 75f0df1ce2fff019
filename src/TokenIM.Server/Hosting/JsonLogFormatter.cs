using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace TokenIM.Server.Hosting;

/// <summary>
/// One JSON object per line with the field names documented under Logs in docs/operations.md. Not the framework's
/// JSON formatter: that one names fields in PascalCase, drops the event name and nests the template's values under
/// <c>State</c> next to a copy of the message; a log shipper wants flat, fixed, lower-case names.
/// </summary>
internal sealed class JsonLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "tokenim-json";

    private const string OriginalFormat = "{OriginalFormat}";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
            return;
        var buffer = new ArrayBufferWriter<byte>(512);
        // Relaxed escaping keeps non-ASCII text and '+' readable; quotes, backslashes and control characters (a line
        // break too) are still escaped, so an entry stays one line.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", Level(logEntry.LogLevel));
            json.WriteNumber("eventId", logEntry.EventId.Id);
            if (logEntry.EventId.Name is { } eventName)
                json.WriteString("eventName", eventName);
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                if (values.FirstOrDefault(v => v.Key == OriginalFormat).Value is string template)
                    json.WriteString("template", template);
                if (values.Any(v => v.Key != OriginalFormat))
                {
                    json.WriteStartObject("fields");
                    foreach (var (key, value) in values.Where(v => v.Key != OriginalFormat))
                        WriteValue(json, key, value);
                    json.WriteEndObject();
                }
            }

            // The trace of the request or socket operation, when one is recorded (cheap: no scope walk needed).
            if (Activity.Current is { } activity)
            {
                json.WriteString("traceId", activity.TraceId.ToHexString());
                json.WriteString("spanId", activity.SpanId.ToHexString());
            }

            WriteScopes(json, scopeProvider);
            if (logEntry.Exception is { } exception)
                json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    /// <summary>The values of the enclosing scopes (the request's id and path, the connection), flattened; the first of a name wins.</summary>
    private static void WriteScopes(Utf8JsonWriter json, IExternalScopeProvider? scopeProvider)
    {
        if (scopeProvider is null)
            return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pairs = new List<KeyValuePair<string, object?>>();
        scopeProvider.ForEachScope((scope, list) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var pair in values)
                {
                    // The trace ids are written once, at the top level, from the activity.
                    if (pair.Key is not (OriginalFormat or "TraceId" or "SpanId" or "ParentId") && seen.Add(pair.Key))
                        list.Add(pair);
                }
            }
        }, pairs);
        if (pairs.Count == 0)
            return;
        json.WriteStartObject("scope");
        foreach (var (key, value) in pairs)
            WriteValue(json, key, value);
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool b:
                json.WriteBoolean(key, b);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                json.WriteString(key, span.ToString("c", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset at:
                json.WriteString(key, at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                break;
            case System.Collections.IEnumerable items and not string:
                json.WriteStartArray(key);
                foreach (var item in items)
                    json.WriteStringValue(Convert.ToString(item, CultureInfo.InvariantCulture));
                json.WriteEndArray();
                break;
            default:
                json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "information",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };
}
