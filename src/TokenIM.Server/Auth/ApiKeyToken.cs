using System.Buffers.Text;
using System.Security.Cryptography;

namespace TokenIM.Server.Auth;

/// <summary>
/// The server API key format: <c>tim_{id}_{secret}</c>, the id 32 lower-case hex digits (a time-ordered GUID) and the
/// secret 32 random bytes in base64url (43 characters, which may themselves contain <c>_</c>: the id never does, so
/// the first <c>_</c> after the prefix splits them). The prefix makes a leaked key easy to find by secret scanners.
/// </summary>
internal static class ApiKeyToken
{
    public const string Prefix = "tim_";
    private const int IdLength = 32;
    private const int SecretBytes = 32;
    private const int SecretLength = 43;

    /// <summary>A new key: its id, the token to show once, and the hash to store.</summary>
    public static (string Id, string Token, byte[] SecretHash) Create()
    {
        var id = Guid.CreateVersion7().ToString("N");
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        return (id, $"{Prefix}{id}_{Base64Url.EncodeToString(secret)}", SHA256.HashData(secret));
    }

    /// <summary>Splits a token into its id and the SHA-256 of its secret; false for anything this format never produces.</summary>
    public static bool TryParse(string? token, out string id, out byte[] secretHash)
    {
        id = string.Empty;
        secretHash = [];
        if (token is not { Length: 4 + IdLength + 1 + SecretLength } || !token.StartsWith(Prefix, StringComparison.Ordinal) || token[Prefix.Length + IdLength] != '_')
            return false;
        var idPart = token.AsSpan(Prefix.Length, IdLength);
        foreach (var c in idPart)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
                return false;
        }

        var secretPart = token.AsSpan(Prefix.Length + IdLength + 1);
        Span<byte> secret = stackalloc byte[SecretBytes + 2];
        if (!Base64Url.IsValid(secretPart) || !Base64Url.TryDecodeFromChars(secretPart, secret, out var written) || written != SecretBytes)
            return false;
        id = idPart.ToString();
        secretHash = SHA256.HashData(secret[..written]);
        return true;
    }

    /// <summary>Whether a presented secret's hash is the stored one, in time independent of where they differ.</summary>
    public static bool Matches(byte[] presentedHash, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(presentedHash, storedHash);
}
