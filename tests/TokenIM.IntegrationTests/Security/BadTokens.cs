using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// The catalogue of bad access tokens the matrix tries: each is wrong in one way an attacker, a confused client or a
/// foreign server would make it. Keys are generated fresh but nothing else is random, so a failure names its case.
/// </summary>
internal static class BadTokens
{
    /// <summary>Every case as (name, token), built for <paramref name="user"/> on the server of <paramref name="factory"/>.</summary>
    public static async Task<List<(string Name, string Token)>> BuildAsync(TokenImFactory factory, TestUser user, string jwksJson)
    {
        var forge = new TokenForge(factory.DataDirectory);
        var now = DateTimeOffset.UtcNow;
        Dictionary<string, object> Claims() => TokenForge.Claims(user.Id, user.Tokens.SessionId, now);
        Dictionary<string, object> With(string claim, object value)
        {
            var claims = Claims();
            claims[claim] = value;
            return claims;
        }

        Dictionary<string, object> Without(string claim)
        {
            var claims = Claims();
            claims.Remove(claim);
            return claims;
        }

        string Ours(Dictionary<string, object> claims, Dictionary<string, object>? headers = null, string? type = "at+jwt") =>
            forge.Sign(claims, kid: forge.KeyId, extraHeaders: headers, type: type);

        var valid = Ours(Claims());
        var parts = valid.Split('.');
        var ourHeader = new { alg = "ES256", typ = "at+jwt", kid = forge.KeyId };
        var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var attackerPublic = attacker.ExportParameters(includePrivateParameters: false);
        var attackerJwk = new Dictionary<string, object>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(attackerPublic.Q.X),
            ["y"] = Base64Url.EncodeToString(attackerPublic.Q.Y),
        };
        using var attackerCertificate = new CertificateRequest("CN=evil.example", attacker, HashAlgorithmName.SHA256)
            .CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var rsa = new RsaSecurityKey(RSA.Create(2048));
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[^1] ^= 0x01;

        var cases = new List<(string, string)>
        {
            ("alg-none", TokenForge.Raw(new { alg = "none", typ = "at+jwt", kid = forge.KeyId }, Claims())),
            ("alg-None", TokenForge.Raw(new { alg = "None", typ = "at+jwt", kid = forge.KeyId }, Claims())),
            ("alg-NONE-with-signature", TokenForge.Raw(new { alg = "NONE", typ = "at+jwt", kid = forge.KeyId }, Claims(), parts[2])),
            ("alg-none-no-header-fields", TokenForge.Raw(new { alg = "none" }, Claims())),
            ("hs256-public-key-pem", TokenForge.Hs256(ourHeader with { alg = "HS256" }, Claims(), Encoding.ASCII.GetBytes(forge.PublicKeyPem))),
            ("hs256-public-key-der", TokenForge.Hs256(ourHeader with { alg = "HS256" }, Claims(), forge.ServerKey.ECDsa.ExportSubjectPublicKeyInfo())),
            ("hs256-jwks-document", TokenForge.Hs256(ourHeader with { alg = "HS256" }, Claims(), Encoding.UTF8.GetBytes(jwksJson))),
            ("hs256-jwk-x-coordinate", TokenForge.Hs256(ourHeader with { alg = "HS256" }, Claims(), forge.ServerKey.ECDsa.ExportParameters(false).Q.X!)),
            ("hs512-public-key-pem", Hs512(ourHeader with { alg = "HS512" }, Claims(), Encoding.ASCII.GetBytes(forge.PublicKeyPem))),
            ("rs256-foreign-key", forge.Sign(Claims(), rsa, SecurityAlgorithms.RsaSha256, kid: forge.KeyId)),
            ("ps256-foreign-key", forge.Sign(Claims(), rsa, SecurityAlgorithms.RsaSsaPssSha256, kid: forge.KeyId)),
            ("es384-foreign-key", forge.Sign(Claims(), new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)), SecurityAlgorithms.EcdsaSha384, kid: forge.KeyId)),
            ("es512-header-on-our-signature", $"{TokenForge.Encode(ourHeader with { alg = "ES512" })}.{parts[1]}.{parts[2]}"),
            ("rs256-header-on-our-signature", $"{TokenForge.Encode(ourHeader with { alg = "RS256" })}.{parts[1]}.{parts[2]}"),
            ("foreign-ec-key-with-our-kid", forge.Sign(Claims(), new ECDsaSecurityKey(attacker), kid: forge.KeyId)),
            ("tampered-payload", $"{parts[0]}.{TokenForge.Encode(With("sub", "someone-else"))}.{parts[2]}"),
            ("tampered-signature", $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}"),
            ("truncated-signature", $"{parts[0]}.{parts[1]}.{parts[2][..20]}"),
            ("empty-signature", $"{parts[0]}.{parts[1]}."),
            ("signature-of-another-token", $"{parts[0]}.{parts[1]}.{Ours(Claims()).Split('.')[2]}"),
            ("expired", Ours(With("exp", now.AddMinutes(-5).ToUnixTimeSeconds()))),
            ("future-nbf", Ours(With("nbf", now.AddMinutes(5).ToUnixTimeSeconds()))),
            ("no-exp", Ours(Without("exp"))),
            ("wrong-iss", Ours(With("iss", "https://evil.example"))),
            ("wrong-aud", Ours(With("aud", "other-app"))),
            ("aud-list-without-ours", Ours(With("aud", new[] { "other-app", "tokenim-admin" }))),
            ("typ-jwt", Ours(Claims(), type: "JWT")),
            ("refresh-token-as-access-token", user.Tokens.RefreshToken),
            ("unknown-kid", forge.Sign(Claims(), kid: "20990101000000-unknown")),
            ("kid-path-traversal", forge.Sign(Claims(), kid: "../../etc/passwd")),
            ("kid-absolute-path", forge.Sign(Claims(), kid: Path.Combine(factory.DataDirectory, "keys", forge.KeyId))),
            ("kid-very-long", forge.Sign(Claims(), kid: new string('k', 4000))),
            ("kid-sql", forge.Sign(Claims(), kid: "x' OR '1'='1'; DROP TABLE sessions; --")),
            ("kid-nul", forge.Sign(Claims(), kid: forge.KeyId + "\0")),
            ("kid-url", forge.Sign(Claims(), kid: "https://evil.example/key.pem")),
            ("no-kid", forge.Sign(Claims())),
            ("jku-header", Ours(Claims(), new() { ["jku"] = "https://evil.example/jwks.json" })),
            ("x5u-header", Ours(Claims(), new() { ["x5u"] = "https://evil.example/cert.pem" })),
            ("jwk-header-our-key", Ours(Claims(), new() { ["jwk"] = attackerJwk })),
            ("jwk-header-attacker-signed", forge.Sign(Claims(), new ECDsaSecurityKey(attacker), extraHeaders: new() { ["jwk"] = attackerJwk })),
            ("x5c-header-attacker-signed",
                forge.Sign(Claims(), new ECDsaSecurityKey(attacker), extraHeaders: new() { ["x5c"] = new[] { Convert.ToBase64String(attackerCertificate.RawData) } })),
            ("bad-base64url-header", $"!{parts[0][1..]}.{parts[1]}.{parts[2]}"),
            ("bad-base64url-payload", $"{parts[0]}.{parts[1][..10]}*{parts[1][11..]}.{parts[2]}"),
            ("base64-padding-in-payload", $"{parts[0]}.{parts[1]}==.{parts[2]}"),
            ("header-not-json", $"{Base64Url.EncodeToString("not json"u8)}.{parts[1]}.{parts[2]}"),
            ("payload-json-array", $"{parts[0]}.{Base64Url.EncodeToString("[1,2]"u8)}.{parts[2]}"),
            ("extra-segment", valid + ".extra"),
            ("jwe-shaped-five-segments", $"{parts[0]}.a.b.c.d"),
            ("missing-signature-segment", $"{parts[0]}.{parts[1]}"),
            ("single-segment", parts[1]),
            ("dots-only", ".."),
            ("64kb-signed-token", Ours(With("pad", new string('x', 64 * 1024)))),
            ("64kb-garbage", new string('A', 64 * 1024)),
        };

        // A token of a session that has ended: signed out before it is tried.
        var signedOut = await factory.RegisterAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await signedOut.Client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        cases.Add(("revoked-session", signedOut.Tokens.AccessToken));

        // Another installation: its genuine token, and our user's claims under its key.
        using var other = new TokenImFactory();
        var stranger = await other.RegisterAsync();
        var otherForge = new TokenForge(other.DataDirectory);
        cases.Add(("other-server-genuine-token", stranger.Tokens.AccessToken));
        cases.Add(("other-server-key-our-claims", otherForge.Sign(Claims(), kid: otherForge.KeyId)));
        return cases;
    }

    private static string Hs512(object header, object payload, byte[] key)
    {
        var signingInput = $"{TokenForge.Encode(header)}.{TokenForge.Encode(payload)}";
        return $"{signingInput}.{Base64Url.EncodeToString(HMACSHA512.HashData(key, Encoding.ASCII.GetBytes(signingInput)))}";
    }
}
