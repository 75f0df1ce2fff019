using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>Makes access tokens the way an attacker or a foreign client would: with the server's own key from the data directory, or without it.</summary>
public sealed class TokenForge
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TokenForge(string dataDirectory)
    {
        var file = Directory.EnumerateFiles(Path.Combine(dataDirectory, "keys"), "*.pem").Single();
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(file));
        ServerKey = new ECDsaSecurityKey(ecdsa) { KeyId = Path.GetFileNameWithoutExtension(file) };
        PublicKeyPem = ecdsa.ExportSubjectPublicKeyInfoPem();
    }

    public ECDsaSecurityKey ServerKey { get; }

    public string PublicKeyPem { get; }

    public string KeyId => ServerKey.KeyId;

    /// <summary>The claims of a valid token for the session, as a mutable map a case can change.</summary>
    public static Dictionary<string, object> Claims(string userId, string sessionId, DateTimeOffset now, int generation = 1) => new()
    {
        ["iss"] = "tokenim",
        ["aud"] = "tokenim",
        ["sub"] = userId,
        ["sid"] = sessionId,
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["gen"] = generation,
        ["iat"] = now.ToUnixTimeSeconds(),
        ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.AddMinutes(15).ToUnixTimeSeconds(),
    };

    public string Sign(Dictionary<string, object> claims, SecurityKey? key = null, string algorithm = SecurityAlgorithms.EcdsaSha256,
        string? type = "at+jwt", Dictionary<string, object>? extraHeaders = null, string? kid = null)
    {
        // The handler writes the key's KeyId as the kid header (it refuses a kid among the extra headers).
        var signingKey = key ?? new ECDsaSecurityKey(ServerKey.ECDsa);
        signingKey.KeyId = kid;
        var headers = new Dictionary<string, object>(extraHeaders ?? []);
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type,
            SigningCredentials = new SigningCredentials(signingKey, algorithm),
            AdditionalHeaderClaims = headers,
        });
    }

    /// <summary>A token assembled by hand: any header, any payload, any signature bytes.</summary>
    public static string Raw(object header, object payload, string signature = "") =>
        $"{Encode(header)}.{Encode(payload)}.{signature}";

    public static string Encode(object value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));

    /// <summary>HMAC-SHA256 over header.payload with the given key bytes, as a confused verifier would check it.</summary>
    public static string Hs256(object header, object payload, byte[] key)
    {
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }
}
