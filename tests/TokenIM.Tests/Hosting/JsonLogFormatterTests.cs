using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Hosting;

public sealed class JsonLogFormatterTests
{
    private static JsonElement Write(string template, object?[] values, IExternalScopeProvider? scopes = null, Exception? exception = null)
    {
        var state = new FormattedState(template, values);
        var entry = new LogEntry<FormattedState>(LogLevel.Warning, "TokenIM.Server.Test", new EventId(4242, "SomethingHappened"), state, exception, (s, _) => s.ToString());
        var output = new StringWriter();

        new JsonLogFormatter().Write(entry, scopes, output);

        var text = output.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public void Write_TemplateWithValues_FixedFieldsAndNamedValues()
    {
        var line = Write("User {UserId} sent {Count} frames", ["u1", 3]);

        Assert.EndsWith("Z", line.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("warning", line.GetProperty("level").GetString());
        Assert.Equal(4242, line.GetProperty("eventId").GetInt32());
        Assert.Equal("SomethingHappened", line.GetProperty("eventName").GetString());
        Assert.Equal("TokenIM.Server.Test", line.GetProperty("category").GetString());
        Assert.Equal("User u1 sent 3 frames", line.GetProperty("message").GetString());
        Assert.Equal("User {UserId} sent {Count} frames", line.GetProperty("template").GetString());
        Assert.Equal("u1", line.GetProperty("fields").GetProperty("UserId").GetString());
        Assert.Equal(3, line.GetProperty("fields").GetProperty("Count").GetInt64());
    }

    [Fact]
    public void Write_LineBreaksAndExceptionInside_StaysOneLine()
    {
        var line = Write("Reason: {Reason}", ["first\nsecond ü"], exception: new InvalidOperationException("boom\nagain"));

        Assert.Equal("Reason: first\nsecond ü", line.GetProperty("message").GetString());
        Assert.Contains("boom", line.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_InsideScopes_ScopeValuesFlattened()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var outer = scopes.Push(new[] { new KeyValuePair<string, object?>("RequestPath", "/api/v1/x"), new("TraceId", "abc") });

        var line = Write("Done", [], scopes);

        Assert.Equal("/api/v1/x", line.GetProperty("scope").GetProperty("RequestPath").GetString());
        Assert.False(line.GetProperty("scope").TryGetProperty("TraceId", out _));
    }

    /// <summary>A structured state like the one the logging source generator makes.</summary>
    private sealed class FormattedState(string template, object?[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _pairs = Pairs(template, values);

        public int Count => _pairs.Count;

        public KeyValuePair<string, object?> this[int index] => _pairs[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _pairs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = template;
            foreach (var (key, value) in _pairs.Where(p => p.Key != "{OriginalFormat}"))
                text = text.Replace("{" + key + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            return text;
        }

        private static List<KeyValuePair<string, object?>> Pairs(string template, object?[] values)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(template, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToList();
            var pairs = names.Select((name, i) => new KeyValuePair<string, object?>(name, values[i])).ToList();
            pairs.Add(new("{OriginalFormat}", template));
            return pairs;
        }
    }
}
