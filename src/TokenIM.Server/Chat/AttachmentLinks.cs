using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Chat;

/// <summary>
/// Download links: <c>/api/v1/files/{id}?variant=&amp;exp=&amp;sig=</c>, where <c>sig</c> is HMAC-SHA256 over the id,
/// the variant and the expiry (Unix seconds) with a 256-bit server secret. The link is the permission (an
/// <c>&lt;img src&gt;</c> sends no token), so it is short-lived and names exactly one file and variant. The secret
/// lives in <c>TokenIM:Attachments:LinkSecretFile</c>, made on first use; nodes of a cluster must share it.
/// </summary>
internal sealed class AttachmentLinks(IOptions<TokenImOptions> options, SigningKeys signingKeys, TimeProvider time)
{
    public const string Thumbnail = "thumbnail";

    private readonly Lazy<byte[]> _secret = new(() => LoadOrCreate(SecretPath(options.Value, signingKeys)));

    /// <summary>A link to <paramref name="attachmentId"/>'s bytes (or thumbnail) for <c>TokenIM:Attachments:LinkLifetime</c>.</summary>
    public (string Url, DateTimeOffset ExpiresAt) Create(string attachmentId, string? variant)
    {
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + (long)options.Value.Attachments.LinkLifetime.TotalSeconds);
        var exp = expiresAt.ToUnixTimeSeconds();
        var query = variant is null ? "" : $"variant={variant}&";
        var url = string.Create(CultureInfo.InvariantCulture,
            $"{Http.ApiRoutes.Base}/files/{Uri.EscapeDataString(attachmentId)}?{query}exp={exp}&sig={Sign(attachmentId, variant, exp)}");
        return (url, expiresAt);
    }

    /// <summary>True when the signature is this server's for exactly these values and the link has not expired.</summary>
    public bool IsValid(string attachmentId, string? variant, long? exp, string? sig)
    {
        if (exp is not { } expiry || string.IsNullOrEmpty(sig) || sig.Length > 64 || variant is not (null or Thumbnail))
            return false;
        if (expiry <= time.GetUtcNow().ToUnixTimeSeconds())
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(attachmentId, variant, expiry));
        var given = Encoding.ASCII.GetBytes(sig);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Sign(string attachmentId, string? variant, long exp)
    {
        // Newlines separate the fields; none of them can hold one (ids are hex, variant is fixed, exp is a number).
        var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"tokenim.file\n{attachmentId}\n{variant}\n{exp}"));
        return Base64Url(HMACSHA256.HashData(_secret.Value, message));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string SecretPath(TokenImOptions options, SigningKeys signingKeys) =>
        options.Attachments.LinkSecretFile is { Length: > 0 } file
            ? Path.GetFullPath(file)
            : Path.Combine(signingKeys.Directory, "attachment-links.secret");

    /// <summary>Reads the secret, or makes it: written under a private name and renamed without overwriting, so nodes starting together agree on one.</summary>
    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
            return Convert.FromHexString(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pending = $"{path}.{Guid.NewGuid():N}.pending";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(pending, fileOptions))
            writer.Write(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        try
        {
            File.Move(pending, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node made it first: use theirs.
            File.Delete(pending);
        }
        return Convert.FromHexString(File.ReadAllText(path).Trim());
    }
}
