using Microsoft.Extensions.Logging.Console;

namespace TokenIM.Server.Hosting;

/// <summary>Chooses the console's log format from <c>TokenIM:Logging:Format</c>.</summary>
internal static class LoggingSetup
{
    /// <summary>
    /// Read from the configuration as it stands, not from the validated options: the logger is built before options
    /// are validated, and a bad value is reported by that validation (the text format meanwhile).
    /// </summary>
    public static WebApplicationBuilder AddTokenImLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration[$"{TokenImOptions.Section}:Logging:{nameof(LoggingSettings.Format)}"];
        if (string.Equals(format, LoggingSettings.Json, StringComparison.Ordinal))
        {
            builder.Logging.AddConsole(console => console.FormatterName = JsonLogFormatter.FormatterName);
            builder.Logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        }

        return builder;
    }
}
