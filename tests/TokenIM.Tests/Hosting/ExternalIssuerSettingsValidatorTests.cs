using System.Security.Cryptography;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Hosting;

public sealed class ExternalIssuerSettingsValidatorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tokenim-unit", Guid.NewGuid().ToString("N"));

    public ExternalIssuerSettingsValidatorTests()
    {
        Directory.CreateDirectory(_dir);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Pem, ec.ExportSubjectPublicKeyInfoPem());
    }

    private string Pem => Path.Combine(_dir, "idp.pem");

    private ExternalIssuerSettings Valid(string issuer = "https://idp.test", string prefix = "") =>
        new() { Issuer = issuer, Audience = "chat", PublicKeyFile = Pem, ExternalIdPrefix = prefix };

    private static IReadOnlyList<string> Validate(params ExternalIssuerSettings[] issuers)
    {
        var result = new ExternalIssuerSettingsValidator().Validate(null, new TokenImOptions { ExternalIssuers = issuers });
        return result.Failed ? [.. result.Failures!] : [];
    }

    [Fact]
    public void Validate_TwoValidIssuers_Succeeds()
    {
        Assert.Empty(Validate(Valid(), Valid("https://other.test", "o|")));
        Assert.Equal(["RS256", "ES256"], Valid().AcceptedAlgorithms);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("HS512")]
    [InlineData("rs256")]
    public void Validate_SymmetricOrUnknownAlgorithm_FailsNamingIt(string algorithm)
    {
        var issuer = Valid();
        issuer.Algorithms = ["ES256", algorithm];

        var failure = Assert.Single(Validate(issuer));

        Assert.StartsWith("TokenIM:ExternalIssuers:0:Algorithms: '" + algorithm + "'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyFiles_ExactlyOneThatLoads()
    {
        var both = Valid();
        both.JwksFile = Pem;
        var neither = Valid();
        neither.PublicKeyFile = null;
        var missing = Valid();
        missing.PublicKeyFile = Path.Combine(_dir, "missing.pem");

        Assert.Contains("exactly one of JwksFile and PublicKeyFile", Assert.Single(Validate(both)), StringComparison.Ordinal);
        Assert.Contains("exactly one of JwksFile and PublicKeyFile", Assert.Single(Validate(neither)), StringComparison.Ordinal);
        Assert.Contains("PublicKeyFile: cannot read", Assert.Single(Validate(missing)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OwnIssuerDuplicateIssuerOrSharedPrefix_Fails()
    {
        Assert.Contains("TokenIM's own issuer", Assert.Single(Validate(Valid("tokenim", "t|"))), StringComparison.Ordinal);
        var failures = Validate(Valid(), Valid());
        Assert.Contains(failures, f => f.Contains("listed twice", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ExternalIdPrefix '' is another issuer's", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OutOfRangeTimesAndEmptyClaims_OneMessageEach()
    {
        var issuer = Valid();
        issuer.ClockSkew = TimeSpan.FromMinutes(10);
        issuer.MaxLifetime = TimeSpan.FromDays(2);
        issuer.UserClaim = " ";
        issuer.Audience = null;

        var failures = Validate(issuer);

        Assert.Equal(4, failures.Count);
        Assert.Contains("TokenIM:ExternalIssuers:0:ClockSkew must be between 00:00:00 and 00:05:00.", failures);
        Assert.Contains("TokenIM:ExternalIssuers:0:MaxLifetime must be between 00:01:00 and 1.00:00:00.", failures);
        Assert.Contains("TokenIM:ExternalIssuers:0:UserClaim must name a claim.", failures);
        Assert.Contains("TokenIM:ExternalIssuers:0:Audience is required.", failures);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
