using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TokenIM.Cli.Config;

/// <summary>
/// The doc comments of the server's options, read at run time from <c>TokenIM.Server.xml</c> (the compiler's
/// documentation file, copied beside the <c>tokenim</c> binary and the tests): the doc comment is the user-facing text
/// of a setting, so the listing and docs/configuration.md cannot drift from the code.
/// </summary>
internal sealed partial class XmlDocs
{
    private readonly Dictionary<string, XElement> _members;

    private XmlDocs(Dictionary<string, XElement> members) => _members = members;

    /// <summary>The documentation file of <paramref name="assembly"/>, beside it.</summary>
    public static XmlDocs For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
            throw new FileNotFoundException($"The documentation file {path} is missing: it is built with the server (GenerateDocumentationFile) and copied beside the tokenim binary.", path);
        var members = XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null)
            .ToDictionary(m => m.Attribute("name")!.Value, m => m, StringComparer.Ordinal);
        return new XmlDocs(members);
    }

    /// <summary>The summary of a property as one line of Markdown-ish text (<c>code</c> in backticks); empty when none.</summary>
    public string Of(PropertyInfo property) => Summary($"P:{Name(property.DeclaringType!)}.{property.Name}");

    /// <summary>The summary of a type; empty when none.</summary>
    public string Of(Type type) => Summary($"T:{Name(type)}");

    private static string Name(Type type) => type.FullName!.Replace('+', '.');

    private string Summary(string member)
    {
        if (!_members.TryGetValue(member, out var element) || element.Element("summary") is not { } summary)
            return string.Empty;
        var text = new StringBuilder();
        Append(text, summary);
        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    private static void Append(StringBuilder text, XElement element)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText part:
                    text.Append(part.Value);
                    break;
                case XElement { Name.LocalName: "c" or "code" } code:
                    text.Append('`').Append(code.Value).Append('`');
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    text.Append('`').Append(Reference(see)).Append('`');
                    break;
                case XElement { Name.LocalName: "para" } para:
                    text.Append(' ');
                    Append(text, para);
                    text.Append(' ');
                    break;
                case XElement other:
                    Append(text, other);
                    break;
            }
        }
    }

    /// <summary>A <c>see</c>: its <c>langword</c>, or the last part of its <c>cref</c> (a sibling setting's key).</summary>
    private static string Reference(XElement see)
    {
        if (see.Attribute("langword")?.Value is { } word)
            return word;
        var cref = see.Attribute("cref")?.Value ?? see.Value;
        var name = cref.Contains(':', StringComparison.Ordinal) ? cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..] : cref;
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
            name = name[..paren];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
