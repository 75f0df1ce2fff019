using System.Security.Cryptography;
using System.Text;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.Tests.Protocol;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret";
    private static readonly DateTimeOffset s_now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"message.created"}""");

    [Fact]
    public void Sign_MatchesAPlainHmacOfTimestampDotBody()
    {
        var header = WebhookSignature.Sign(Secret, s_now, s_body);

        var t = s_now.ToUnixTimeSeconds();
        var plain = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{Encoding.UTF8.GetString(s_body)}"));
        Assert.Equal($"t={t},v1={Convert.ToHexStringLower(plain)}", header);
    }

    [Fact]
    public void Verify_OwnSignature_True()
    {
        var header = WebhookSignature.Sign(Secret, s_now, s_body);

        Assert.True(WebhookSignature.Verify(Secret, header, s_body, s_now.AddSeconds(30), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Verify_ChangedBodyWrongSecretOrOldTimestamp_False()
    {
        var header = WebhookSignature.Sign(Secret, s_now, s_body);
        var changed = (byte[])s_body.Clone();
        changed[^2] ^= 1;

        Assert.False(WebhookSignature.Verify(Secret, header, changed, s_now, WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify("whsec_other", header, s_body, s_now, WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify(Secret, header, s_body, s_now.AddMinutes(6), WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify(Secret, header, s_body, s_now.AddMinutes(-6), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Verify_ReplayWithFreshTimestamp_False()
    {
        var header = WebhookSignature.Sign(Secret, s_now, s_body);
        var mac = header[(header.IndexOf(",v1=", StringComparison.Ordinal) + 4)..];
        var replay = $"t={s_now.AddMinutes(10).ToUnixTimeSeconds()},v1={mac}";

        Assert.False(WebhookSignature.Verify(Secret, replay, s_body, s_now.AddMinutes(10), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Verify_OneOfSeveralSignaturesMatches_True()
    {
        var header = WebhookSignature.Sign(Secret, s_now, s_body);
        var withOld = header.Replace(",v1=", $",v1={new string('0', 64)},v1=", StringComparison.Ordinal);

        Assert.True(WebhookSignature.Verify(Secret, withOld, s_body, s_now, WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=00")]
    [InlineData("t=1764244800")]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=99999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("garbage")]
    public void Verify_MalformedHeader_False(string? header) =>
        Assert.False(WebhookSignature.Verify(Secret, header, s_body, s_now, WebhookSignature.DefaultTolerance));

    [Fact]
    public void NewSecret_IsPrefixedAndRandom()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();

        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(6 + 43, a.Length);
        Assert.NotEqual(a, b);
    }
}
