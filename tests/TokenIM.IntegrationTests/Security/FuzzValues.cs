using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// The values the message fuzzers put into fields, as CsCheck generators, and the documented input rules
/// (docs/protocol.md) written again on the test's side, so a server that loosens a rule is caught rather than copied.
/// </summary>
internal static partial class FuzzValues
{
    /// <summary>Text that is valid everywhere text is allowed but means something to a SQL engine, an HTML page, a shell or a template.</summary>
    public static readonly string[] Hostile =
    [
        "'; DROP TABLE Messages; --",
        "' OR '1'='1' --",
        "Robert'); DELETE FROM Users WHERE ('1'='1",
        "\" OR \"\"=\"",
        "1; SELECT sqlite_version(); --",
        "%' UNION SELECT Id, PasswordHash FROM Users --",
        "<script>alert(document.cookie)</script>",
        "<img src=x onerror=alert(1)>",
        "</textarea><svg/onload=alert(1)>",
        "javascript:alert(1)",
        "&lt;b&gt;not bold&lt;/b&gt; &amp; &#x3C;",
        "{{7*7}} ${7*7} <%= 7*7 %> #{7*7}",
        "${jndi:ldap://127.0.0.1/a}",
        "$(rm -rf /) `id` | cat /etc/passwd",
        "\\u0000 \\ud800 \\\" \\\\ literal escapes",
        "\"},{\"op\":\"ack\",\"seq\":1} ",
        "../../../../etc/passwd",
        "\u202Eevil\u202C \u200B\u200D\uFEFF",
        "e\u0301\u0301\u0301 Z\u0351\u0363\u0364 combining",
        "😀👩‍👩‍👧‍👦🏳️‍🌈 𝕳𝖊𝖑𝖑𝖔 𠜎",
        "line one\nline two\r\n\ttabbed",
    ];

    private static readonly string[] s_nasty =
    [
        "\0", "a\0b", "\ud800", "x\udc00y", "\udfff\ud800", "\u0001\u001f", "\u007f", "\u0085", "\u009f", "\u2028\u2029",
        "", " ", "\t\n", "\uFFFE\uFFFF", "\U0010FFFF",
    ];

    /// <summary>One value of every flavour the issue names: hostile, nasty (NUL, lone surrogates, controls), empty, long and megabyte strings.</summary>
    public static Gen<string> String { get; } = Gen.Frequency(
        (3, Gen.OneOf(Hostile.Select(Gen.Const).ToArray())),
        (3, Gen.OneOf(s_nasty.Select(Gen.Const).ToArray())),
        (2, Gen.Select(Gen.OneOf(Hostile.Select(Gen.Const).ToArray()), Gen.OneOf(s_nasty.Select(Gen.Const).ToArray()), Gen.Int[0, 20],
            (hostile, nasty, at) => hostile.Insert(Math.Min(at, hostile.Length), nasty))),
        (2, Gen.String[Gen.Char, 0, 80]),
        (2, Gen.Select(Gen.Char['a', 'z'], Gen.OneOf(Gen.Int[30, 34], Gen.Int[62, 66], Gen.Int[98, 102], Gen.Int[126, 130], Gen.Int[3998, 4002]),
            (c, n) => new string(c, n))),
        (1, Gen.Select(Gen.Int[4001, 5000], n => string.Concat(Enumerable.Repeat("😀", n)))),
        (1, Gen.Int[65_000, 1_100_000].Select(n => new string('m', n))));

    /// <summary>Raw JSON values of a kind other than the field's, including numbers no integer type holds.</summary>
    public static Gen<string> WrongType(JsonKind kind)
    {
        string[] values = kind switch
        {
            JsonKind.String => ["5", "-1.5e3", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}", "0"],
            JsonKind.Integer => ["\"5\"", "true", "[]", "{}", "[1]", "1.5", "1e400", "-1e-400", "123456789012345678901234567890", "1E2", "0x10", "NaN", "\"\""],
            JsonKind.StringArray => ["\"a\"", "5", "[5]", "[null]", "{}", "[[]]", "[{}]", "true", "[\"\"]"],
            _ => ["\"true\"", "1", "[]", "{}", "\"\""],
        };
        return Gen.OneOf(values);
    }

    /// <summary>Integers at and past every documented edge, and past what a 64-bit integer holds.</summary>
    public static Gen<string> Number { get; } = Gen.OneOf(
        Gen.OneOf("0", "1", "-1", "-0", "2", "99", "100", "101", "299", "300", "301", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616"),
        Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Nested arrays <c>[[[…]]]</c>, up to 10,000 levels (System.Text.Json stops at 64).</summary>
    public static Gen<string> Nested { get; } = Gen.OneOf(Gen.Const(65), Gen.Const(1000), Gen.Const(10_000), Gen.Int[60, 70])
        .Select(depth => new string('[', depth) + new string(']', depth));

    /// <summary>
    /// A JSON string literal of <paramref name="value"/>: only quote, backslash, C0 controls and surrogates escaped
    /// (so a lone surrogate reaches the server as the escape <c>\ud800</c>), everything else as raw UTF-8.
    /// </summary>
    public static string Literal(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                < ' ' or (>= '\ud800' and <= '\udfff') => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => json.Append(c),
            };
        }

        return json.Append('"').ToString();
    }

    public static int Runes(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return HasLoneSurrogate(text) ? -1 : count;
    }

    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }

        return false;
    }

    private static bool HasControls(string text, bool allowNewlines) =>
        text.Any(c => char.IsControl(c) && !(allowNewlines && c is '\t' or '\n' or '\r'));

    /// <summary>A message text: 1–4,000 scalar values, at most 16 KiB of UTF-8, not only white space, no controls but tab and line breaks.</summary>
    public static bool? Text(string text) =>
        Runes(text) is >= 1 and <= 4000 && Encoding.UTF8.GetByteCount(text) <= 16 * 1024 && !string.IsNullOrWhiteSpace(text) && !HasControls(text, allowNewlines: true);

    /// <summary>A clientMsgId (and so any id a client picks): 1–64 of <c>!</c> to <c>~</c>.</summary>
    public static bool? ClientMsgId(string id) => id.Length is >= 1 and <= 64 && id.All(c => c is >= '!' and <= '~');

    /// <summary>3–32 of <c>[a-z0-9._-]</c>, upper case accepted; taken names are refused too, so a valid one is not a must-accept.</summary>
    public static bool? Username(string name) => UsernamePattern().IsMatch(name.Trim()) ? null : false;

    /// <summary>8–128 scalar values and at most 1 KiB of UTF-8; within that, the common-password list decides.</summary>
    public static bool? Password(string password) =>
        Runes(password) is >= 8 and <= 128 && Encoding.UTF8.GetByteCount(password) <= 1024 ? null : false;

    /// <summary>Display and device names, and group titles: trimmed, at most <paramref name="max"/> scalar values, no control characters at all.</summary>
    public static Func<string, bool?> Name(int max, bool required) => name =>
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
            return required ? false : true;
        return Runes(trimmed) is >= 1 && Runes(trimmed) <= max && !HasControls(trimmed, allowNewlines: false);
    };

    /// <summary>A string that names a record (id, token, role…): no fuzzed value is one, so every one is refused.</summary>
    public static bool? NoSuchThing(string value) => false;

    /// <summary>Anything: the field is not validated beyond its type (or not in a way the test can know).</summary>
    public static bool? Unjudged(string value) => null;

    /// <summary>A usernames search prefix: 1–32 of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool? SearchQuery(string query) => QueryPattern().IsMatch(query) ? null : false;

    [GeneratedRegex("^[A-Za-z0-9._-]{3,32}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    private static partial Regex QueryPattern();
}
