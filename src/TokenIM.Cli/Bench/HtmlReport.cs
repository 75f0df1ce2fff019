using System.Globalization;
using System.Net;
using System.Text;

namespace TokenIM.Cli.Bench;

/// <summary>
/// The <c>--report</c> page: the figures, the latency distribution and throughput over time, drawn as inline SVG.
/// One self-contained file: no script, no external font or stylesheet.
/// </summary>
internal static class HtmlReport
{
    private const int Width = 720;
    private const int Height = 260;
    private const int Left = 64;
    private const int Bottom = 36;

    public static async Task WriteAsync(string path, BenchResult result, CancellationToken cancellationToken)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>TokenIM bench: ")
            .Append(Encode(result.Scenario)).Append("</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2rem;color:#1f2933}table{border-collapse:collapse}")
            .Append("td,th{padding:2px 12px;text-align:left;border-bottom:1px solid #e4e7eb}td.n{text-align:right;font-variant-numeric:tabular-nums}")
            .Append("svg{background:#fafbfc;border:1px solid #e4e7eb;margin:1rem 0}text{font:11px system-ui,sans-serif;fill:#52606d}")
            .Append("</style></head><body>");
        html.Append("<h1>tokenim bench ").Append(Encode(result.Scenario)).Append("</h1><p>")
            .Append(Encode(result.StartedAt.ToString("u", CultureInfo.InvariantCulture))).Append(" · ")
            .Append(Environment.ProcessorCount).Append(" cores · ")
            .Append(Encode(System.Runtime.InteropServices.RuntimeInformation.OSDescription)).Append("</p>");
        html.Append("<p>").AppendJoin(" · ", result.Parameters.Select(p => $"{Encode(p.Key)}={Encode(p.Value)}")).Append("</p>");
        html.Append("<table><tr><th>figure</th><th>value</th><th>unit</th></tr>");
        foreach (var figure in result.Figures)
        {
            html.Append("<tr><td>").Append(Encode(figure.Name)).Append("</td><td class=\"n\">").Append(BenchResult.Format(figure.Value))
                .Append("</td><td>").Append(Encode(figure.Unit)).Append("</td></tr>");
        }
        html.Append("</table>");

        if (result.Latency.Count > 0)
        {
            html.Append("<h2>Latency (").Append(Encode(result.LatencyLabel ?? "latency")).Append(") by percentile</h2>");
            // The x axis counts nines (0 = p0, 1 = p90, 2 = p99, 3 = p99.9…), as HDR histogram plots do.
            var points = result.Latency.Select(p => (X: Nines(p.Percentile), Y: p.Ms)).ToList();
            AppendChart(html, points, ["p0", "p90", "p99", "p99.9", "p99.99", "max"], maxX: 5, unit: "ms");
        }

        if (result.Timeline.Length > 0)
        {
            html.Append("<h2>").Append(Encode(result.TimelineLabel ?? "events")).Append(" per second</h2>");
            var points = result.Timeline.Select((count, second) => (X: (double)second, Y: (double)count)).ToList();
            var labels = Enumerable.Range(0, 6).Select(i => $"{i * result.Timeline.Length / 5}s").ToArray();
            AppendChart(html, points, labels, maxX: Math.Max(1, result.Timeline.Length - 1), unit: "/s");
        }

        html.Append("</body></html>\n");
        await File.WriteAllTextAsync(path, html.ToString(), cancellationToken);
    }

    private static double Nines(double percentile) => percentile >= 100 ? 5 : Math.Min(5, -Math.Log10(1 - percentile / 100));

    private static void AppendChart(StringBuilder html, List<(double X, double Y)> points, string[] xLabels, double maxX, string unit)
    {
        var maxY = Math.Max(points.Max(p => p.Y), 1e-9) * 1.1;
        double Px(double x) => Left + (x / maxX * (Width - Left - 16));
        double Py(double y) => Height - Bottom - (y / maxY * (Height - Bottom - 12));
        html.Append(CultureInfo.InvariantCulture, $"<svg width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        for (var i = 0; i <= 4; i++)
        {
            var y = maxY * i / 4;
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - 16}\" y1=\"{Py(y):0.#}\" y2=\"{Py(y):0.#}\" stroke=\"#e4e7eb\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Py(y) + 4:0.#}\" text-anchor=\"end\">{BenchResult.Format(y)}{unit}</text>");
        }
        for (var i = 0; i < xLabels.Length; i++)
        {
            var x = Left + (i * (Width - Left - 16) / (double)(xLabels.Length - 1));
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Encode(xLabels[i])}</text>");
        }
        html.Append("<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\" points=\"")
            .AppendJoin(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Px(p.X):0.#},{Py(p.Y):0.#}")))
            .Append("\"/></svg>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
