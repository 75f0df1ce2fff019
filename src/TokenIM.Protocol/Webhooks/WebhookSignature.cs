using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TokenIM.Protocol.Webhooks;

/// <summary>
/// The signature on every webhook request (and on the before-send hook's): the header
/// <c>TokenIM-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where the hex is the lower-case
/// HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 bytes, <c>whsec_</c> prefix included), of
/// <c>"&lt;t&gt;." + body</c>. Any language checks it with a plain HMAC; signing the timestamp with the body is what
/// lets a receiver refuse a replay: a captured request cannot be re-sent with a fresh <c>t</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The request header that carries the signature.</summary>
    public const string Header = "TokenIM-Signature";

    /// <summary>The tolerance receivers should use by default: the age past which a signed request is a replay.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = timestamp.ToUnixTimeSeconds();
        return $"t={t.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>
    /// True when <paramref name="header"/> is a signature of <paramref name="body"/> with <paramref name="secret"/>,
    /// made no further than <paramref name="tolerance"/> from <paramref name="now"/> (either way, for clock skew).
    /// Several <c>v1=</c> entries are allowed (one per secret while a secret is being rolled); one match is enough.
    /// The comparison takes the same time whatever the bytes.
    /// </summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrEmpty(header))
            return false;
        long? t = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                return false;
            var (key, value) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                t = seconds;
            else if (key == "v1" && value.Length == 64 && IsLowerHex(value))
                candidates.Add(Convert.FromHexString(value));
        }
        if (t is not { } signedAt || candidates.Count == 0)
            return false;
        if (signedAt < DateTimeOffset.MinValue.ToUnixTimeSeconds() || signedAt > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(signedAt)).Duration() > tolerance)
            return false;
        var expected = Mac(secret, signedAt, body);
        var matched = false;
        foreach (var candidate in candidates)
            matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        return matched;
    }

    /// <summary>A new endpoint secret: <c>whsec_</c> and 32 random bytes, base64url.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Mac(string secret, long t, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(t.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool IsLowerHex(string value)
    {
        foreach (var c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
                return false;
        }
        return true;
    }
}
