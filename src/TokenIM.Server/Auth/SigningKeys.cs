using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>
/// The ES256 signing keys: one PKCS#8 PEM file per key, <c>keys/&lt;kid&gt;.pem</c> in the data directory, readable
/// by the owner only. The newest key signs; every loaded key verifies and is published in the JWKS. A new key is
/// made when the newest is older than <c>TokenIM:Tokens:SigningKeyRotation</c>; a key superseded for longer than
/// an access-token lifetime (plus clock skew) can no longer verify a live token and is moved to <c>keys/retired/</c>.
/// </summary>
internal sealed partial class SigningKeys(IOptions<TokenImOptions> options, TimeProvider time, ILogger<SigningKeys> logger)
{
    private const string KidTimeFormat = "yyyyMMdd'T'HHmmss'Z'";
    private static readonly TimeSpan s_retireAfter = TimeSpan.FromMinutes(1);

    private volatile KeySet _keys = new([], null);

    public ECDsaSecurityKey Current => _keys.Current ?? throw new InvalidOperationException("Signing keys are not loaded.");

    public IReadOnlyList<ECDsaSecurityKey> All => _keys.All;

    public string Directory => Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "keys");

    public ECDsaSecurityKey? Find(string? kid)
    {
        foreach (var key in _keys.All)
        {
            if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
                return key;
        }

        return null;
    }

    /// <summary>Loads the keys, makes the first or a rotated key, retires expired ones. Safe to call again (the rotation timer does).</summary>
    public void LoadOrRotate()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var now = time.GetUtcNow();
        var loaded = LoadAll();
        if (loaded.Count == 0 || now - loaded[^1].Created >= options.Value.Tokens.SigningKeyRotation)
        {
            loaded.Add(Create(now));
            LogKeyCreated(logger, loaded[^1].Key.KeyId);
        }

        // A key is needed while tokens it signed may still be alive: until its successor has signed for one lifetime.
        var keepAfter = options.Value.Tokens.AccessTokenLifetime + s_retireAfter;
        var kept = new List<ECDsaSecurityKey>();
        for (var i = 0; i < loaded.Count; i++)
        {
            var supersededAt = i + 1 < loaded.Count ? loaded[i + 1].Created : (DateTimeOffset?)null;
            if (supersededAt is { } at && now - at > keepAfter)
                Retire(loaded[i]);
            else
                kept.Add(loaded[i].Key);
        }

        _keys = new KeySet(kept, kept[^1]);
    }

    private List<LoadedKey> LoadAll()
    {
        var keys = new List<LoadedKey>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.pem"))
        {
            var kid = Path.GetFileNameWithoutExtension(file);
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(File.ReadAllText(file));
            if (ecdsa.KeySize != 256)
                throw new InvalidOperationException($"Signing key {file} is not a P-256 key.");
            var created = DateTimeOffset.TryParseExact(kid.Split('-')[0], KidTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp)
                ? stamp
                : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
            keys.Add(new LoadedKey(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, created, file));
        }

        keys.Sort((a, b) => a.Created.CompareTo(b.Created));
        return keys;
    }

    private LoadedKey Create(DateTimeOffset now)
    {
        var kid = string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime.ToString(KidTimeFormat, CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(Directory, kid + ".pem");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path, fileOptions))
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
        return new LoadedKey(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, now, path);
    }

    private void Retire(LoadedKey key)
    {
        var retired = Path.Combine(Directory, "retired");
        System.IO.Directory.CreateDirectory(retired);
        File.Move(key.Path, Path.Combine(retired, Path.GetFileName(key.Path)), overwrite: true);
        LogKeyRetired(logger, key.Key.KeyId);
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Created signing key {KeyId}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Retired signing key {KeyId}")]
    private static partial void LogKeyRetired(ILogger logger, string keyId);

    private sealed record LoadedKey(ECDsaSecurityKey Key, DateTimeOffset Created, string Path);

    private sealed record KeySet(IReadOnlyList<ECDsaSecurityKey> All, ECDsaSecurityKey? Current);
}
