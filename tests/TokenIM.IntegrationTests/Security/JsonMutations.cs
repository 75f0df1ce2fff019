using System.Globalization;
using System.Text;
using CsCheck;

namespace TokenIM.IntegrationTests.Security;

internal enum JsonKind
{
    String,
    Integer,
    Boolean,
    StringArray,
}

/// <summary>
/// A member of a request body or frame: its JSON kind, whether the server must refuse the body without it, and the
/// documented rule for a value of its kind (<c>false</c>: must be refused; <c>true</c> or <c>null</c>: may pass, as
/// the answer can depend on state, such as a username being taken).
/// </summary>
internal sealed record FuzzField(string Name, JsonKind Kind, bool Required = false, Func<string, bool?>? Check = null, Func<long, bool?>? CheckNumber = null)
{
    public bool? Judge(string value) => (Check ?? FuzzValues.Unjudged)(value);

    public bool? JudgeNumber(long value) => (CheckNumber ?? (_ => null))(value);
}

/// <summary>One member as sent: its name and its raw JSON value.</summary>
internal sealed record JsonMember(string Name, string Raw);

/// <summary>
/// One mutation of a valid body or frame: what it does (for the failure message), whether the server must refuse
/// the result, and how to build the result from the valid members. A result over <see cref="MaxBytes"/> must be
/// refused whatever the mutation.
/// </summary>
internal sealed record BodyMutation(string What, bool MustRefuse, Func<IReadOnlyList<JsonMember>, string> Build)
{
    public const int MaxBytes = 64 * 1024;

    public (string Json, bool MustRefuse) Apply(IReadOnlyList<JsonMember> valid)
    {
        var json = Build(valid);
        return (json, MustRefuse || Encoding.UTF8.GetByteCount(json) > MaxBytes);
    }

    public static string Object(IEnumerable<JsonMember> members) =>
        "{" + string.Join(",", members.Select(m => $"{FuzzValues.Literal(m.Name)}:{m.Raw}")) + "}";
}

/// <summary>
/// CsCheck generators of body mutations for a list of fields: wrong JSON types per field, missing and extra members,
/// hostile, nasty, long and megabyte strings, numbers past every edge, deep nesting, duplicate keys, and whole
/// bodies that are not a JSON object at all.
/// </summary>
internal static class JsonMutations
{
    /// <summary>The deepest JSON the server reads (System.Text.Json's default): a member's value starts one level down.</summary>
    private const int MaxDepth = 64;

    private static readonly string[] s_extraNames = ["__proto__", "constructor", "$where", "isAdmin", "senderId", "createdAt", "x"];

    public static Gen<BodyMutation> For(IReadOnlyList<FuzzField> fields)
    {
        if (fields.Count == 0)
            return Whole(fields);
        var field = Gen.Int[0, fields.Count - 1].Select(i => fields[i]);
        return Gen.Frequency(
            (4, field.SelectMany(f => FuzzValues.WrongType(f.Kind).Select(raw => Replace(f, raw, true, $"{f.Name} as {Short(raw)}")))),
            (2, field.Select(f => new BodyMutation($"without {f.Name}", f.Required, members => BodyMutation.Object(members.Where(m => m.Name != f.Name))))),
            (2, field.Select(f => Replace(f, "null", f.Required, $"{f.Name} null"))),
            (8, field.SelectMany(f => f.Kind switch
            {
                JsonKind.String => FuzzValues.String.Select(s => Replace(f, FuzzValues.Literal(s), f.Judge(s) == false, $"{f.Name} = {Short(s)}")),
                JsonKind.StringArray => FuzzValues.String.Select(s => Replace(f, $"[{FuzzValues.Literal(s)}]", f.Judge(s) == false, $"{f.Name} = [{Short(s)}]")),
                JsonKind.Integer => FuzzValues.Number.Select(n => Replace(f, n, JudgeNumber(f, n) == false, $"{f.Name} = {n}")),
                _ => FuzzValues.WrongType(f.Kind).Select(raw => Replace(f, raw, true, $"{f.Name} as {Short(raw)}")),
            })),
            (2, field.SelectMany(f => FuzzValues.Nested.Select(raw => Replace(f, raw, true, $"{f.Name} nested {raw.Length / 2} deep")))),
            (2, Gen.Select(Gen.OneOf(s_extraNames.Select(Gen.Const).ToArray()), FuzzValues.String, FuzzValues.Nested, Gen.Bool, (name, s, nested, deep) =>
                deep
                    ? new BodyMutation($"extra {name} nested {nested.Length / 2} deep", nested.Length / 2 >= MaxDepth, members => BodyMutation.Object([.. members, new(name, nested)]))
                    : new BodyMutation($"extra {name} = {Short(s)}", false, members => BodyMutation.Object([.. members, new(name, FuzzValues.Literal(s))])))),
            (2, field.SelectMany(f => FuzzValues.String.Select(s => new BodyMutation(
                $"{f.Name} twice, then {Short(s)}", false, members => BodyMutation.Object([.. members, new(f.Name, FuzzValues.Literal(s))]))))),
            (2, Whole(fields)));
    }

    /// <summary>Bodies that are not an object of the expected shape, or not JSON at all.</summary>
    private static Gen<BodyMutation> Whole(IReadOnlyList<FuzzField> fields)
    {
        var anyRequired = fields.Any(f => f.Required);
        return Gen.OneOf(
            Gen.OneOf(
                Fixed("empty", string.Empty, true),
                Fixed("null", "null", true),
                Fixed("array", "[]", true),
                Fixed("string", "\"{}\"", true),
                Fixed("number", "42", true),
                Fixed("open brace", "{", true),
                Fixed("single quotes", "{'op':'x'}", true),
                Fixed("empty object", "{}", anyRequired),
                Fixed("10,000 nested objects", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000), true),
                Fixed("10,000 nested arrays", new string('[', 10_000) + new string(']', 10_000), true),
                new BodyMutation("trailing garbage", true, members => BodyMutation.Object(members) + "}{"),
                new BodyMutation("two objects", true, members => BodyMutation.Object(members) + BodyMutation.Object(members)),
                new BodyMutation("a comment first", true, members => "/* c */" + BodyMutation.Object(members)),
                new BodyMutation("trailing white space", false, members => BodyMutation.Object(members) + " \r\n\t ")),
            Gen.Int[1, 1000].Select(cut => new BodyMutation($"cut at {cut}", true, members =>
            {
                var json = BodyMutation.Object(members);
                return json[..Math.Min(cut, json.Length - 1)];
            })));
    }

    private static BodyMutation Fixed(string what, string json, bool mustRefuse) => new(what, mustRefuse, _ => json);

    private static BodyMutation Replace(FuzzField field, string raw, bool mustRefuse, string what) =>
        new(what, mustRefuse, members => BodyMutation.Object(
            members.Any(m => m.Name == field.Name)
                ? members.Select(m => m.Name == field.Name ? m with { Raw = raw } : m)
                : [.. members, new(field.Name, raw)]));

    private static bool? JudgeNumber(FuzzField field, string raw) =>
        long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? field.JudgeNumber(n) : false;

    /// <summary>A value as a failure message shows it: escaped, and cut to 60 characters with its length.</summary>
    public static string Short(string value)
    {
        var literal = FuzzValues.Literal(value);
        return literal.Length <= 60 ? literal : $"{literal[..60]}…({value.Length} chars)";
    }
}
