using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Auth;

public sealed class ExternalIssuerKeysTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tokenim-unit", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public ExternalIssuerKeysTests() => Directory.CreateDirectory(_dir);

    private string Jwks => Path.Combine(_dir, "jwks.json");

    private ExternalIssuerSettings Settings => new() { Issuer = "https://idp.test", Audience = "a", JwksFile = Jwks };

    private static Dictionary<string, string> RsaJwk(string kid, RSA rsa, string? alg = null, string use = "sig")
    {
        var p = rsa.ExportParameters(false);
        var jwk = new Dictionary<string, string> { ["kty"] = "RSA", ["kid"] = kid, ["use"] = use, ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent) };
        if (alg is not null)
            jwk["alg"] = alg;
        return jwk;
    }

    private void Write(params Dictionary<string, string>[] keys) => File.WriteAllText(Jwks, JsonSerializer.Serialize(new { keys }));

    private ExternalIssuerKeys Create() => new(Settings, _clock, NullLogger.Instance);

    [Fact]
    public void Find_UnknownKidAfterRotation_ReadsTheFileAtOnceThenAtMostOnceAMinute()
    {
        using RSA k1 = RSA.Create(2048), k2 = RSA.Create(2048), k3 = RSA.Create(2048);
        Write(RsaJwk("k1", k1));
        var keys = Create();
        Assert.NotNull(keys.Find("k1", "RS256"));

        Write(RsaJwk("k2", k2));
        Assert.NotNull(keys.Find("k2", "RS256"));
        Assert.Null(keys.Find("k1", "RS256"));

        Write(RsaJwk("k3", k3));
        Assert.Null(keys.Find("k3", "RS256")); // the forced read was spent, and the file's look is not due
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(keys.Find("k3", "RS256")); // the once-a-second look saw the file change
    }

    [Fact]
    public void Find_FileChangedWithoutAnUnknownKid_ReadAgainAtTheNextLookASecondLater()
    {
        using RSA k1 = RSA.Create(2048), k2 = RSA.Create(2048);
        Write(RsaJwk("k1", k1), RsaJwk("k2", k2));
        var keys = Create();

        Write(RsaJwk("k2", k2));
        Assert.NotNull(keys.Find("k1", "RS256"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(keys.Find("k1", "RS256"));
        Assert.NotNull(keys.Find("k2", "RS256"));
    }

    [Fact]
    public void Find_HalfWrittenFile_KeepsTheLoadedKeys()
    {
        using var k1 = RSA.Create(2048);
        Write(RsaJwk("k1", k1));
        var keys = Create();

        File.WriteAllText(Jwks, "{\"keys\":[{\"kty\":\"RSA\",");
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.NotNull(keys.Find("k1", "RS256"));
    }

    [Fact]
    public void Find_NoKidOrWrongAlg_NeverTriesEveryKey()
    {
        using RSA k1 = RSA.Create(2048), k2 = RSA.Create(2048);
        Write(RsaJwk("k1", k1, alg: "RS256"), RsaJwk("k2", k2));
        var keys = Create();

        Assert.Null(keys.Find(null, "RS256"));
        Assert.Null(keys.Find("k1", "PS256"));
        Assert.NotNull(keys.Find("k2", "PS256"));
    }

    [Fact]
    public void Find_NoKidWithOneKey_TheKey()
    {
        using var k1 = RSA.Create(2048);
        Write(RsaJwk("k1", k1));

        Assert.NotNull(Create().Find(null, "RS256"));
    }

    [Theory]
    [InlineData("oct", "kty 'oct'")]
    [InlineData("small", "1024 bits")]
    [InlineData("private", "private key")]
    [InlineData("enc-only", "no signature key")]
    public void TryLoad_UnsafeKeys_RefusedWithTheReason(string kind, string reason)
    {
        using var small = RSA.Create(1024);
        using var full = RSA.Create(2048);
        switch (kind)
        {
            case "oct":
                Write(new Dictionary<string, string> { ["kty"] = "oct", ["kid"] = "h", ["k"] = Base64Url.EncodeToString(new byte[32]) });
                break;
            case "small":
                Write(RsaJwk("s", small));
                break;
            case "private":
                var jwk = RsaJwk("p", full);
                jwk["d"] = Base64Url.EncodeToString(full.ExportParameters(true).D);
                Write(jwk);
                break;
            default:
                Write(RsaJwk("e", full, use: "enc"));
                break;
        }

        Assert.Contains(reason, ExternalIssuerKeys.TryLoad(Settings, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_PemWithPrivateKey_RefusedPublicKeysLoaded()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var pem = Path.Combine(_dir, "key.pem");
        var settings = new ExternalIssuerSettings { Issuer = "i", Audience = "a", PublicKeyFile = pem };

        File.WriteAllText(pem, ec.ExportPkcs8PrivateKeyPem());
        Assert.Contains("private key", ExternalIssuerKeys.TryLoad(settings, out _), StringComparison.Ordinal);
        File.WriteAllText(pem, ec.ExportSubjectPublicKeyInfoPem());
        Assert.Null(ExternalIssuerKeys.TryLoad(settings, out var ecKeys));
        Assert.IsType<Microsoft.IdentityModel.Tokens.ECDsaSecurityKey>(Assert.Single(ecKeys).Key);
        File.WriteAllText(pem, rsa.ExportSubjectPublicKeyInfoPem());
        Assert.Null(ExternalIssuerKeys.TryLoad(settings, out var rsaKeys));
        Assert.IsType<Microsoft.IdentityModel.Tokens.RsaSecurityKey>(Assert.Single(rsaKeys).Key);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
