using System.ComponentModel.DataAnnotations;

namespace TokenIM.Server.Hosting;

/// <summary>How the server writes its log (<c>TokenIM:Logging</c>); levels stay under the standard <c>Logging:LogLevel</c>.</summary>
internal sealed class LoggingSettings
{
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>
    /// <c>text</c> (the console's readable lines) or <c>json</c> (one JSON object per line on standard output, UTC
    /// timestamps, the fixed field names listed under Logs in docs/operations.md, for a log shipper). The default is
    /// <c>text</c>.
    /// </summary>
    [RegularExpression("^(text|json)$")]
    public string Format { get; set; } = Text;
}
