using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// The seed and sizes of a message-fuzzing run, and the checks both fuzzers share. The seed is fixed so a run is
/// reproducible; <c>TOKENIM_FUZZ_SEED</c> replays or varies it, and every failure message names it.
/// </summary>
internal static class FuzzRun
{
    public const ulong DefaultSeed = 20261127;

    public static ulong Seed { get; } =
        ulong.TryParse(Environment.GetEnvironmentVariable("TOKENIM_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    public static bool FullSizes { get; } = Environment.GetEnvironmentVariable("TOKENIM_FULL_SIZES") == "1";

    /// <summary>A generator's values in a fixed order: the same <paramref name="stream"/> and seed give the same cases.</summary>
    public static IEnumerable<T> Cases<T>(Gen<T> gen, uint stream, int count)
    {
        var pcg = new PCG(stream, Seed);
        for (var i = 0; i < count; i++)
            yield return gen.Generate(pcg, null!, out _);
    }

    /// <summary>Texts that are valid messages and hostile to a database, a page or a template: the fixed list, then random mixtures of it with any characters.</summary>
    public static IEnumerable<string> HostileTexts(uint stream, int random) =>
        FuzzValues.Hostile.Concat(Cases(
            Gen.Select(Gen.OneOf(FuzzValues.Hostile.Select(Gen.Const).ToArray()), Gen.String[Gen.Char[' ', '\uD7FF'], 0, 40], Gen.Bool,
                    (hostile, noise, before) => before ? noise + hostile : hostile + noise)
                .Where(text => FuzzValues.Text(text) == true),
            stream,
            random));

    /// <summary>
    /// Null when <paramref name="body"/> is a Problem Details body whose <c>code</c> is in the catalogue, with that code's
    /// status (or 415 for a body of the wrong media type, which the catalogue files under <c>malformed_request</c>); else why not.
    /// </summary>
    public static string? ProblemFault(int status, string? mediaType, string body)
    {
        if (mediaType != "application/problem+json")
            return $"a {status} of media type {mediaType ?? "none"}";
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (ErrorCode.TryFind(code) is not { } known)
                return $"a {status} with the unknown code {code ?? "(none)"}";
            return known.Status == status || (known == ErrorCode.MalformedRequest && status == 415) ? null : $"a {status} with the code {code} of status {known.Status}";
        }
        catch (JsonException)
        {
            return $"a {status} whose body is not JSON";
        }
    }

    /// <summary>A value percent-encoded as a path segment or query value: every byte of its UTF-8 but the unreserved ones.</summary>
    public static string Encode(string value)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                encoded.Append((char)b);
            else
                encoded.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
        }

        return encoded.ToString();
    }
}
