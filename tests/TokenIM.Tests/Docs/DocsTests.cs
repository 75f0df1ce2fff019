using System.Reflection;
using TokenIM.Protocol;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Docs;

/// <summary>Keeps the documents true to the code: every error code and every setting is documented.</summary>
public sealed class DocsTests
{
    private static string Read(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TokenIM.slnx")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, relative));
    }

    [Fact]
    public void ProtocolDoc_ListsEveryErrorCodeWithItsStatus()
    {
        var doc = Read("docs/protocol.md");

        Assert.All(ErrorCode.All, code => Assert.Contains($"| `{code.Code}` | {code.Status} |", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigurationDoc_ListsEverySetting()
    {
        var doc = Read("docs/configuration.md");

        Assert.All(SettingNames(typeof(TokenImOptions), TokenImOptions.Section), name => Assert.Contains($"`{name}`", doc, StringComparison.Ordinal));
    }

    private static IEnumerable<string> SettingNames(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = $"{prefix}:{property.Name}";
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !property.PropertyType.IsArray)
            {
                foreach (var nested in SettingNames(property.PropertyType, name))
                    yield return nested;
            }
            else
            {
                yield return name;
            }
        }
    }
}
