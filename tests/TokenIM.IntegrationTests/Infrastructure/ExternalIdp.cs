using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// An app's identity provider, as far as TokenIM sees it: key pairs made in the test, their public halves written to a
/// JWKS file or a PEM file, and access tokens signed with them (valid ones, and any defect a case asks for).
/// </summary>
public sealed class ExternalIdp(string issuer, string audience)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issuer { get; } = issuer;

    public string Audience { get; } = audience;

    public static RsaSecurityKey NewRsa(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public static ECDsaSecurityKey NewEc(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    /// <summary>Writes the public halves as a JWKS file (replacing it whole, as a rotation would).</summary>
    public static void WriteJwks(string path, params SecurityKey[] keys)
    {
        var jwks = new { keys = keys.Select(Jwk).ToArray() };
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(jwks));
        File.Move(temp, path, overwrite: true);
    }

    public static void WritePem(string path, ECDsaSecurityKey key) => File.WriteAllText(path, key.ECDsa.ExportSubjectPublicKeyInfoPem());

    /// <summary>The JWK of a key's public half, as an identity provider publishes it.</summary>
    public static Dictionary<string, string> Jwk(SecurityKey key) => key switch
    {
        RsaSecurityKey rsa when rsa.Rsa.ExportParameters(false) is var p => new()
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = rsa.KeyId,
            ["n"] = Base64Url.EncodeToString(p.Modulus),
            ["e"] = Base64Url.EncodeToString(p.Exponent),
        },
        ECDsaSecurityKey ec when ec.ECDsa.ExportParameters(false) is var p => new()
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["kid"] = ec.KeyId,
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(p.Q.X),
            ["y"] = Base64Url.EncodeToString(p.Q.Y),
        },
        _ => throw new ArgumentException("RSA or EC keys only", nameof(key)),
    };

    /// <summary>The claims of a valid token for <paramref name="subject"/>, as a map a case can change.</summary>
    public Dictionary<string, object> Claims(string subject, DateTimeOffset? now = null, TimeSpan? lifetime = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        return new()
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["iat"] = at.ToUnixTimeSeconds(),
            ["nbf"] = at.ToUnixTimeSeconds(),
            ["exp"] = at.Add(lifetime ?? TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
        };
    }

    /// <summary>Signs <paramref name="claims"/> with <paramref name="key"/> (its KeyId becomes the kid header unless <paramref name="kid"/> says otherwise).</summary>
    public string Sign(Dictionary<string, object> claims, SecurityKey key, string? algorithm = null, string? kid = "(key)", Dictionary<string, object>? headers = null)
    {
        var keyId = key.KeyId;
        // The handler writes the key's KeyId as the kid: swap it for this signature only.
        var signingKey = key switch
        {
            RsaSecurityKey rsa => (SecurityKey)new RsaSecurityKey(rsa.Rsa) { KeyId = kid == "(key)" ? keyId : kid },
            ECDsaSecurityKey ec => new ECDsaSecurityKey(ec.ECDsa) { KeyId = kid == "(key)" ? keyId : kid },
            _ => key,
        };
        algorithm ??= key is RsaSecurityKey ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.EcdsaSha256;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(signingKey, algorithm),
            AdditionalHeaderClaims = headers ?? [],
        });
    }
}
