using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

public sealed class AccessTokenTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private async Task<(TestUser User, TokenForge Forge)> ArrangeAsync()
    {
        var user = await factory.RegisterAsync();
        return (user, new TokenForge(factory.DataDirectory));
    }

    private Task<HttpResponseMessage> MeAsync(string token) => factory.ClientWith(token).GetAsync("/api/v1/users/me");

    [Fact]
    public async Task IssuedToken_HasTheDocumentedHeaderAndClaims_AndVerifiesAgainstTheJwks()
    {
        var (user, _) = await ArrangeAsync();
        var jwks = await (await factory.CreateClient().GetAsync("/.well-known/jwks.json")).ReadAsync<JsonWebKeySetDto>();
        var token = new JsonWebToken(user.Tokens.AccessToken);

        Assert.Equal("ES256", token.Alg);
        Assert.Equal("at+jwt", token.Typ);
        var jwk = Assert.Single(jwks.Keys, k => k.Kid == token.Kid);
        Assert.Equal(("EC", "P-256", "sig", "ES256"), (jwk.Kty, jwk.Crv, jwk.Use, jwk.Alg));
        Assert.Equal("tokenim", token.Issuer);
        Assert.Equal(["tokenim"], token.Audiences);
        Assert.Equal(user.Id, token.Subject);
        Assert.Equal(user.Tokens.SessionId, token.GetClaim("sid").Value);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);

        // Verify offline with nothing but the published key, as a third party would.
        var key = new ECDsaSecurityKey(ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.X), Y = Base64Url.DecodeFromChars(jwk.Y) },
        }));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(user.Tokens.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "tokenim",
            ValidAudience = "tokenim",
            IssuerSigningKey = key,
            ValidAlgorithms = ["ES256"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task ForgedWithServerKey_ValidClaims_IsAccepted()
    {
        // The control case: proves the negative cases below fail for their one defect, not for the harness.
        var (user, forge) = await ArrangeAsync();
        var token = forge.Sign(TokenForge.Claims(user.Id, user.Tokens.SessionId, DateTimeOffset.UtcNow), kid: forge.KeyId);

        Assert.Equal(HttpStatusCode.OK, (await MeAsync(token)).StatusCode);
    }

    public static TheoryData<string> BadTokenCases =>
    [
        "alg-none", "alg-none-no-kid", "alg-None-capital", "hs256-with-public-key-pem", "hs256-with-public-key-der",
        "rs256-foreign-key", "es384-foreign-key", "unknown-kid", "hostile-kid-path", "hostile-kid-sql", "no-kid",
        "foreign-ec-key-with-our-kid", "tampered-payload", "tampered-signature", "wrong-iss", "wrong-aud", "no-iss",
        "no-aud", "no-exp", "future-nbf", "typ-jwt", "no-typ", "jku-header", "x5u-header", "jwk-header", "x5c-header",
        "crit-header", "bad-base64url", "two-segments", "four-segments", "five-segments-jwe", "64kb-token", "empty",
        "no-sub", "no-sid", "no-jti", "no-iat", "no-gen", "gen-zero", "gen-not-issued", "future-iat", "other-users-session",
        "unknown-session",
    ];

    [Theory]
    [MemberData(nameof(BadTokenCases))]
    public async Task BadToken_IsRefusedWith401InvalidToken(string name)
    {
        var (user, forge) = await ArrangeAsync();
        var now = DateTimeOffset.UtcNow;
        var claims = TokenForge.Claims(user.Id, user.Tokens.SessionId, now);
        var header = new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "at+jwt", ["kid"] = forge.KeyId };
        string Valid(Dictionary<string, object> c) => forge.Sign(c, kid: forge.KeyId);
        string Without(string claim)
        {
            claims.Remove(claim);
            return Valid(claims);
        }

        var expected = ErrorCode.InvalidToken;
        string token;
        switch (name)
        {
            case "alg-none": token = TokenForge.Raw(new { alg = "none", typ = "at+jwt", kid = forge.KeyId }, claims); break;
            case "alg-none-no-kid": token = TokenForge.Raw(new { alg = "none" }, claims); break;
            case "alg-None-capital": token = TokenForge.Raw(new { alg = "None", typ = "at+jwt", kid = forge.KeyId }, claims); break;
            case "hs256-with-public-key-pem":
                token = TokenForge.Hs256(new { alg = "HS256", typ = "at+jwt", kid = forge.KeyId }, claims, Encoding.ASCII.GetBytes(forge.PublicKeyPem)); break;
            case "hs256-with-public-key-der":
                token = TokenForge.Hs256(new { alg = "HS256", typ = "at+jwt", kid = forge.KeyId }, claims, forge.ServerKey.ECDsa.ExportSubjectPublicKeyInfo()); break;
            case "rs256-foreign-key": token = forge.Sign(claims, new RsaSecurityKey(RSA.Create(2048)), SecurityAlgorithms.RsaSha256, kid: forge.KeyId); break;
            case "es384-foreign-key": token = forge.Sign(claims, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)), SecurityAlgorithms.EcdsaSha384, kid: forge.KeyId); break;
            case "unknown-kid": token = forge.Sign(claims, kid: "not-a-key"); break;
            case "hostile-kid-path": token = forge.Sign(claims, kid: "../../../../etc/passwd"); break;
            case "hostile-kid-sql": token = forge.Sign(claims, kid: "' OR '1'='1"); break;
            case "no-kid": token = forge.Sign(claims); break;
            case "foreign-ec-key-with-our-kid": token = forge.Sign(claims, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)), kid: forge.KeyId); break;
            case "tampered-payload":
                {
                    var parts = Valid(claims).Split('.');
                    claims["sub"] = "someone-else";
                    token = $"{parts[0]}.{TokenForge.Encode(claims)}.{parts[2]}";
                    break;
                }

            case "tampered-signature":
                {
                    var parts = Valid(claims).Split('.');
                    var signature = Base64Url.DecodeFromChars(parts[2]);
                    signature[5] ^= 0x01;
                    token = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}";
                    break;
                }

            case "wrong-iss": claims["iss"] = "evil"; token = Valid(claims); break;
            case "wrong-aud": claims["aud"] = "other-app"; token = Valid(claims); break;
            case "no-iss": token = Without("iss"); break;
            case "no-aud": token = Without("aud"); break;
            case "no-exp": token = Without("exp"); break;
            case "future-nbf": claims["nbf"] = now.AddMinutes(5).ToUnixTimeSeconds(); token = Valid(claims); break;
            case "typ-jwt": token = forge.Sign(claims, type: "JWT", kid: forge.KeyId); break;
            case "no-typ": token = forge.Sign(claims, type: null, kid: forge.KeyId); break;
            case "jku-header": token = forge.Sign(claims, extraHeaders: new() { ["jku"] = "https://evil.example/jwks.json" }, kid: forge.KeyId); break;
            case "x5u-header": token = forge.Sign(claims, extraHeaders: new() { ["x5u"] = "https://evil.example/cert.pem" }, kid: forge.KeyId); break;
            case "jwk-header":
                token = forge.Sign(claims, extraHeaders: new() { ["jwk"] = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = "AA", ["y"] = "AA" } }, kid: forge.KeyId); break;
            case "x5c-header": token = forge.Sign(claims, extraHeaders: new() { ["x5c"] = new[] { "MIIB" } }, kid: forge.KeyId); break;
            case "crit-header": token = forge.Sign(claims, extraHeaders: new() { ["crit"] = new[] { "exp" } }, kid: forge.KeyId); break;
            case "bad-base64url": token = "eyJhbGciOiJFUzI1NiJ9!!.eyJzdWIiOiJ4In0.c2ln"; break;
            case "two-segments": token = string.Join('.', Valid(claims).Split('.').Take(2)); break;
            case "four-segments": token = Valid(claims) + ".extra"; break;
            case "five-segments-jwe": token = TokenForge.Encode(header) + ".a.b.c.d"; break;
            case "64kb-token": claims["pad"] = new string('x', 64 * 1024); token = Valid(claims); break;
            case "empty": token = " "; break;
            case "no-sub": token = Without("sub"); break;
            case "no-sid": token = Without("sid"); break;
            case "no-jti": token = Without("jti"); break;
            case "no-iat": token = Without("iat"); break;
            case "no-gen": token = Without("gen"); break;
            case "gen-zero": claims["gen"] = 0; token = Valid(claims); break;
            case "gen-not-issued": claims["gen"] = 2; token = Valid(claims); break;
            case "future-iat": claims["iat"] = now.AddMinutes(5).ToUnixTimeSeconds(); token = Valid(claims); break;
            case "other-users-session":
                {
                    var other = await factory.RegisterAsync();
                    claims["sid"] = other.Tokens.SessionId;
                    token = Valid(claims);
                    break;
                }

            case "unknown-session": claims["sid"] = "no-such-session"; token = Valid(claims); expected = ErrorCode.SessionRevoked; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }

        var response = await MeAsync(token);

        await response.ReadProblemAsync(expected);
    }

    [Fact]
    public async Task ExpiredToken_IsRefusedWithTokenExpired_ButSkewUnder60sIsTolerated()
    {
        var (user, forge) = await ArrangeAsync();
        var now = DateTimeOffset.UtcNow;
        var expired = TokenForge.Claims(user.Id, user.Tokens.SessionId, now.AddMinutes(-20));
        expired["exp"] = now.AddSeconds(-90).ToUnixTimeSeconds();
        var withinSkew = TokenForge.Claims(user.Id, user.Tokens.SessionId, now.AddMinutes(-20));
        withinSkew["exp"] = now.AddSeconds(-30).ToUnixTimeSeconds();

        await (await MeAsync(forge.Sign(expired, kid: forge.KeyId))).ReadProblemAsync(ErrorCode.TokenExpired);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(forge.Sign(withinSkew, kid: forge.KeyId))).StatusCode);
    }

    [Fact]
    public async Task FullMediaTypeTyp_IsAccepted()
    {
        var (user, forge) = await ArrangeAsync();
        var token = forge.Sign(TokenForge.Claims(user.Id, user.Tokens.SessionId, DateTimeOffset.UtcNow), type: "application/at+jwt", kid: forge.KeyId);

        Assert.Equal(HttpStatusCode.OK, (await MeAsync(token)).StatusCode);
    }

    [Fact]
    public async Task RefreshTokenUsedAsAccessToken_IsRefused()
    {
        var (user, _) = await ArrangeAsync();

        await (await MeAsync(user.Tokens.RefreshToken)).ReadProblemAsync(ErrorCode.InvalidToken);
    }

    [Fact]
    public async Task TokenInQueryString_IsNotRead()
    {
        var (user, _) = await ArrangeAsync();

        var response = await factory.CreateClient().GetAsync($"/api/v1/users/me?access_token={user.Tokens.AccessToken}");

        await response.ReadProblemAsync(ErrorCode.InvalidToken);
    }

    [Fact]
    public async Task NonBearerScheme_IsRefused()
    {
        var (user, _) = await ArrangeAsync();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", user.Tokens.AccessToken);

        await (await client.GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.InvalidToken);
    }

    [Fact]
    public void ForgedCases_AreAtLeastTheDocumentedMatrix() => Assert.True(BadTokenCases.Count >= 30, JsonSerializer.Serialize(BadTokenCases.Count));
}
