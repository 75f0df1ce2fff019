using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace TokenIM.Server.Auth;

/// <summary>The rules for usernames, display names, device names and passwords (NIST SP 800-63B: length and a blocklist, no composition rules).</summary>
internal static partial class CredentialRules
{
    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 128;

    /// <summary>Anything longer is refused before any hashing, so a huge password cannot buy CPU time.</summary>
    public const int PasswordMaxBytes = 1024;

    public const int DisplayNameMaxLength = 64;
    public const int DeviceNameMaxLength = 64;

    private static readonly Lazy<FrozenSet<string>> s_commonPasswords = new(LoadCommonPasswords);

    public static int CommonPasswordCount => s_commonPasswords.Value.Count;

    /// <summary>Lower-cases and checks a username: 3–32 characters of <c>[a-z0-9._-]</c>.</summary>
    public static string? NormalizeUsername(string? username, out string? error)
    {
        var normalized = username?.Trim().ToLowerInvariant();
        error = normalized is not null && UsernamePattern().IsMatch(normalized)
            ? null
            : "A username is 3–32 characters of a–z, 0–9, '.', '_' and '-'.";
        return error is null ? normalized : null;
    }

    public static string? CheckPassword(string? password, string? username)
    {
        if (password is null)
            return "A password is required.";
        if (Encoding.UTF8.GetByteCount(password) > PasswordMaxBytes)
            return $"A password is at most {PasswordMaxLength} characters.";
        var length = TextRules.CountRunes(password);
        if (length is < PasswordMinLength or > PasswordMaxLength || length < 0)
            return $"A password is {PasswordMinLength}–{PasswordMaxLength} characters.";
        var lowered = password.ToLowerInvariant();
        if (s_commonPasswords.Value.Contains(lowered))
            return "This password is too common; choose another.";
        if (username is not null && lowered == username)
            return "The password must not be the username.";
        return null;
    }

    /// <summary>Trims and checks a display or device name; null or empty gives the fallback.</summary>
    public static string? CleanName(string? name, int maxLength, string fallback, out string? error)
    {
        error = null;
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return fallback;
        var length = TextRules.CountRunes(trimmed);
        if (length < 0 || length > maxLength || TextRules.HasControlCharacters(trimmed, allowNewlines: false))
        {
            error = $"At most {maxLength} characters, without control characters.";
            return null;
        }

        return trimmed;
    }

    private static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(CredentialRules).Assembly.GetManifestResourceStream("TokenIM.Server.Auth.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
                set.Add(line);
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9._-]{3,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
