using System.Reflection;

namespace TokenIM.Server.Hosting;

/// <summary>
/// The shape of <see cref="TokenImOptions"/> found by reflection: its sections (a class of settings, also each element
/// of an array of them) and its settings (a value, or an array of values bound as <c>Key:0</c>, <c>Key:1</c>…). The
/// start-up validator, <c>tokenim config default|check</c> and docs/configuration.md all walk this, so a section added
/// to the options is validated, listed and documented without another list to keep.
/// </summary>
internal static class SettingTree
{
    /// <summary>The sections of <paramref name="options"/> with their full names, the root first; array elements as <c>Name:N</c>.</summary>
    public static IEnumerable<(string Path, object Section)> Sections(object options, string path = TokenImOptions.Section)
    {
        yield return (path, options);
        foreach (var property in Bindable(options.GetType()))
        {
            var name = $"{path}:{property.Name}";
            if (IsSection(property.PropertyType) && property.GetValue(options) is { } section)
            {
                foreach (var nested in Sections(section, name))
                    yield return nested;
            }
            else if (IsSectionArray(property.PropertyType) && property.GetValue(options) is Array elements)
            {
                for (var i = 0; i < elements.Length; i++)
                {
                    if (elements.GetValue(i) is { } element)
                    {
                        foreach (var nested in Sections(element, $"{name}:{i}"))
                            yield return nested;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Every setting a type holds, with its full name: an array of sections contributes its element's settings under
    /// <c>Name:0</c> (the first element standing for all).
    /// </summary>
    public static IEnumerable<(string Path, PropertyInfo Property)> Settings(Type type, string path = TokenImOptions.Section)
    {
        foreach (var property in Bindable(type))
        {
            var name = $"{path}:{property.Name}";
            if (IsSection(property.PropertyType))
            {
                foreach (var nested in Settings(property.PropertyType, name))
                    yield return nested;
            }
            else if (IsSectionArray(property.PropertyType))
            {
                foreach (var nested in Settings(property.PropertyType.GetElementType()!, $"{name}:0"))
                    yield return nested;
            }
            else
            {
                yield return (name, property);
            }
        }
    }

    /// <summary>The properties the configuration binder sets: public, readable and writable, not indexers.</summary>
    public static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    /// <summary>The type a setting's value is read as: the element type of an array, without <c>Nullable</c>.</summary>
    public static Type ValueType(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        return Nullable.GetUnderlyingType(element) ?? element;
    }

    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && type != typeof(Uri);

    private static bool IsSectionArray(Type type) => type.IsArray && IsSection(type.GetElementType()!);
}
