using System.Globalization;
using System.Text;

namespace TokenIM.IntegrationTests.Telemetry;

/// <summary>
/// A scrape in the Prometheus text format, parsed just enough for assertions: each sample's name, labels and value.
/// Comments (<c># HELP</c>, <c># TYPE</c>) are kept by name so a test can check a metric's type.
/// </summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    public PrometheusText(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                _types[parts[2]] = parts[3];
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                _samples.Add(ParseSample(line));
            }
        }
    }

    /// <summary>The metric's declared type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>), or null.</summary>
    public string? TypeOf(string name) => _types.GetValueOrDefault(name);

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include every one given; 0 when none.</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    private static (string, Dictionary<string, string>, double) ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.LastIndexOf(' ');
        string name;
        if (brace < 0 || brace > space)
        {
            name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
        }
        else
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var key = line[i..equals];
                var value = new StringBuilder();
                var j = equals + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                        j++;
                    value.Append(line[j]);
                }

                labels[key] = value.ToString();
                i = line[j + 1] == ',' ? j + 2 : j + 1;
            }
        }

        var number = line[(space + 1)..];
        var parsed = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(number, CultureInfo.InvariantCulture),
        };
        return (name, labels, parsed);
    }
}
