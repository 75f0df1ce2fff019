using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using TokenIM.Server.Hosting;

namespace TokenIM.Cli.Config;

/// <summary>One setting: its full name (<c>TokenIM:Section:Key</c>, <c>…:0</c> for a list), type, default and documentation.</summary>
/// <param name="Name">The full name, as in configuration.</param>
/// <param name="Type">The type its value is read as.</param>
/// <param name="Default">The default, Markdown (values in backticks).</param>
/// <param name="Description">The doc comment, one line.</param>
/// <param name="Section">The section it belongs to (<c>TokenIM:Tokens</c>), for grouping.</param>
/// <param name="Property">The options property it binds to; null for the few settings outside <c>TokenIM</c>.</param>
internal sealed record Setting(string Name, string Type, string Default, string Description, string Section, PropertyInfo? Property);

/// <summary>A section of settings and the text that introduces it (its class's or property's summary).</summary>
internal sealed record SettingSection(string Name, string Description, IReadOnlyList<Setting> Settings);

/// <summary>
/// Every setting the server reads, from one source: the options classes (<see cref="SettingTree"/>), their defaults
/// (a fresh <see cref="TokenImOptions"/>) and their doc comments (<see cref="XmlDocs"/>). Only the handful of
/// framework settings outside <c>TokenIM</c> are listed here by hand.
/// </summary>
internal static partial class SettingCatalogue
{
    public const string FrameworkSection = "Outside TokenIM";

    private static readonly Setting[] s_framework =
    [
        new("Urls", "string", "`http://127.0.0.1:8080`", "The addresses to listen on, separated by `;` (ASP.NET Core; also `--urls`, `ASPNETCORE_URLS`). The default comes from `appsettings.json`.", FrameworkSection, null),
        new("Logging:LogLevel:Default", "string", "`Information`", "The least level written: `Trace`, `Debug`, `Information`, `Warning`, `Error`, `Critical` or `None` (ASP.NET Core). `Logging:LogLevel:CATEGORY` sets it for one category and those under it; `appsettings.json` sets `Microsoft.AspNetCore` and `Microsoft.EntityFrameworkCore` to `Warning`.", FrameworkSection, null),
        new("ASPNETCORE_ENVIRONMENT", "string", "`Production`", "The environment (an environment variable): `appsettings.{ENVIRONMENT}.json` is read after `appsettings.json`.", FrameworkSection, null),
    ];

    /// <summary>The sections in the order of the options classes, the framework's settings last.</summary>
    public static IReadOnlyList<SettingSection> Sections()
    {
        var docs = XmlDocs.For(typeof(TokenImOptions).Assembly);
        var sections = new List<SettingSection>();
        Walk(docs, typeof(TokenImOptions), new TokenImOptions(), TokenImOptions.Section, docs.Of(typeof(TokenImOptions)), sections);
        sections.Add(new SettingSection(FrameworkSection, "Settings of ASP.NET Core itself that an operator commonly sets.", s_framework));
        return sections;
    }

    /// <summary>Every setting, in order.</summary>
    public static IReadOnlyList<Setting> All() => [.. Sections().SelectMany(s => s.Settings)];

    /// <summary>
    /// The setting a configuration key sets (case-insensitive, any list index), or null for a key no setting has.
    /// </summary>
    public static Setting? Find(IReadOnlyList<Setting> settings, string key)
    {
        var normal = Index().Replace(key, "0");
        return settings.FirstOrDefault(s => string.Equals(s.Name, normal, StringComparison.OrdinalIgnoreCase))
            // A list set as a whole to empty (TOKENIM__NETWORK__TRUSTEDPROXIES=) names the list without an index.
            ?? settings.FirstOrDefault(s => s.Property?.PropertyType.IsArray == true && string.Equals(s.Name, normal + ":0", StringComparison.OrdinalIgnoreCase));
    }

    private static void Walk(XmlDocs docs, Type type, object defaults, string path, string description, List<SettingSection> sections)
    {
        var settings = new List<Setting>();
        var index = sections.Count;
        sections.Add(null!);
        foreach (var property in SettingTree.Bindable(type))
        {
            var name = $"{path}:{property.Name}";
            var value = property.GetValue(defaults);
            var propertyType = property.PropertyType;
            if (IsSection(propertyType))
            {
                Walk(docs, propertyType, value ?? Activator.CreateInstance(propertyType)!, name, Describe(docs, property, propertyType), sections);
            }
            else if (propertyType.IsArray && IsSection(propertyType.GetElementType()!))
            {
                var element = propertyType.GetElementType()!;
                Walk(docs, element, Activator.CreateInstance(element)!, $"{name}:0", Describe(docs, property, element) + " One entry per index: `:0`, `:1`, …", sections);
            }
            else
            {
                var list = propertyType.IsArray;
                settings.Add(new Setting(list ? $"{name}:0" : name, TypeName(propertyType), DefaultOf(property, value), docs.Of(property), path, property));
            }
        }

        sections[index] = new SettingSection(path, description, settings);
        if (settings.Count == 0)
            sections.RemoveAt(index);
    }

    private static string Describe(XmlDocs docs, PropertyInfo property, Type type) =>
        string.Join(' ', new[] { docs.Of(property), docs.Of(type) }.Where(t => t.Length > 0).Distinct());

    private static bool IsSection(Type type) => type.IsClass && type != typeof(string) && !type.IsArray && type != typeof(Uri);

    private static string TypeName(Type type)
    {
        var value = SettingTree.ValueType(type);
        var name = value == typeof(string) ? "string"
            : value == typeof(bool) ? "bool"
            : value == typeof(int) ? "int"
            : value == typeof(long) ? "long"
            : value == typeof(double) ? "number"
            : value == typeof(TimeSpan) ? "duration"
            : value == typeof(Uri) ? "URL"
            : value.Name;
        return type.IsArray ? $"list of {name}" : name;
    }

    /// <summary>The default as written in configuration, in backticks; <c>none</c> when there is none in code (the doc says what applies).</summary>
    private static string DefaultOf(PropertyInfo property, object? value)
    {
        if (property.GetCustomAttribute<DefaultTextAttribute>() is { } text)
            return text.Text;
        return value switch
        {
            null => "none",
            string s when s.Length == 0 => "none",
            string s => $"`{s}`",
            bool b => b ? "`true`" : "`false`",
            TimeSpan span => $"`{span.ToString("c", CultureInfo.InvariantCulture)}`",
            Array { Length: 0 } => "none",
            IEnumerable items => string.Join(", ", items.Cast<object>().Select(i => $"`{Convert.ToString(i, CultureInfo.InvariantCulture)}`")),
            IFormattable number => $"`{number.ToString(null, CultureInfo.InvariantCulture)}`",
            _ => $"`{value}`",
        };
    }

    [GeneratedRegex(@"(?<=:)[0-9]+(?=:|$)")]
    private static partial Regex Index();
}
