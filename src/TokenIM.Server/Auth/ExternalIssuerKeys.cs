using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>One verification key of an external issuer: its <c>kid</c> (none for a PEM file) and, from a JWK, the one <c>alg</c> it is for.</summary>
internal sealed record ExternalKey(SecurityKey Key, string? KeyId, string? Algorithm);

/// <summary>
/// The public keys of one external issuer, from its JWKS or PEM file. The app rotates keys by rewriting the file: it
/// is read again when its size or time changes (looked at, at most, once a second) and when a token names a
/// <c>kid</c> not loaded (at most once a minute, so forged kids cannot make TokenIM read the disk per request). A file
/// that does not load (half written, say) keeps the keys that were loaded, and is tried again at the next look.
/// </summary>
internal sealed partial class ExternalIssuerKeys
{
    private const int MinRsaBits = 2048;
    private static readonly TimeSpan s_statEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_unknownKidReloadEvery = TimeSpan.FromMinutes(1);

    private readonly ExternalIssuerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reload = new();
    private volatile IReadOnlyList<ExternalKey> _keys;
    private (DateTime Written, long Length) _stamp;
    private long _lastStat;
    private long? _lastForcedReload;

    public ExternalIssuerKeys(ExternalIssuerSettings settings, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _stamp = Stamp(settings.KeyFile);
        // The validator proved the file at start-up; a failure here means it changed in between: start with none.
        if (TryLoad(settings, out var keys) is { } error)
            LogReloadFailed(logger, settings.Issuer!, error);
        _keys = keys;
        _lastStat = time.GetTimestamp();
    }

    /// <summary>
    /// The key for a token's <c>kid</c> and <c>alg</c>: the one with that kid; without a kid, the only key (a PEM file
    /// or a one-key JWKS). Never "try every key". A JWK that names its <c>alg</c> verifies only that algorithm.
    /// </summary>
    public SecurityKey? Find(string? keyId, string? algorithm)
    {
        ReloadIfChanged();
        if (Match(keyId, algorithm) is { } key)
            return key;
        if (string.IsNullOrEmpty(keyId) || !TryForcedReload())
            return null;
        return Match(keyId, algorithm);
    }

    private SecurityKey? Match(string? keyId, string? algorithm)
    {
        var keys = _keys;
        ExternalKey? found = string.IsNullOrEmpty(keyId) || _settings.PublicKeyFile is not null
            ? (keys.Count == 1 ? keys[0] : null)
            : keys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
        return found is not null && (found.Algorithm is null || found.Algorithm == algorithm) ? found.Key : null;
    }

    private void ReloadIfChanged()
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastStat), now) < s_statEvery)
            return;
        Interlocked.Exchange(ref _lastStat, now);
        if (Stamp(_settings.KeyFile) != _stamp)
            Reload();
    }

    private bool TryForcedReload()
    {
        lock (_reload)
        {
            var now = _time.GetTimestamp();
            if (_lastForcedReload is { } last && _time.GetElapsedTime(last, now) < s_unknownKidReloadEvery)
                return false;
            _lastForcedReload = now;
        }

        Reload();
        return true;
    }

    private void Reload()
    {
        lock (_reload)
        {
            var stamp = Stamp(_settings.KeyFile);
            if (TryLoad(_settings, out var keys) is { } error)
            {
                LogReloadFailed(_logger, _settings.Issuer!, error);
                return;
            }

            _keys = keys;
            _stamp = stamp;
            LogReloaded(_logger, _settings.Issuer!, keys.Count);
        }
    }

    private static (DateTime, long) Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1);
    }

    /// <summary>Loads the issuer's key file; null, or what is wrong with it (for the start-up message and the log).</summary>
    public static string? TryLoad(ExternalIssuerSettings settings, out IReadOnlyList<ExternalKey> keys)
    {
        keys = [];
        string text;
        try
        {
            text = File.ReadAllText(settings.KeyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot read '{settings.KeyFile}': {e.Message}";
        }

        try
        {
            return settings.JwksFile is not null ? LoadJwks(text, out keys) : LoadPem(text, out keys);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or System.Text.Json.JsonException or FormatException)
        {
            return $"'{settings.KeyFile}' is not a valid {(settings.JwksFile is not null ? "JWKS" : "PEM public key")}: {e.Message}";
        }
    }

    private static string? LoadJwks(string json, out IReadOnlyList<ExternalKey> keys)
    {
        keys = [];
        var set = new JsonWebKeySet(json);
        var loaded = new List<ExternalKey>();
        foreach (var jwk in set.Keys)
        {
            // Signature keys only, asymmetric only: an "oct" key would be the HS256 confusion waiting to happen.
            if (jwk.Use is { Length: > 0 } use && use != JsonWebKeyUseNames.Sig)
                continue;
            if (jwk.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve))
                return $"key '{jwk.Kid}' has kty '{jwk.Kty}'; only RSA and EC keys are accepted.";
            if (jwk.HasPrivateKey || !string.IsNullOrEmpty(jwk.D))
                return $"key '{jwk.Kid}' carries a private key; publish only the public part.";
            if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA && jwk.KeySize < MinRsaBits)
                return $"key '{jwk.Kid}' is RSA of {jwk.KeySize} bits; at least {MinRsaBits} are required.";
            if (set.Keys.Count > 1 && string.IsNullOrEmpty(jwk.Kid))
                return "a JWKS of several keys needs a kid on each.";
            loaded.Add(new ExternalKey(jwk, jwk.Kid, string.IsNullOrEmpty(jwk.Alg) ? null : jwk.Alg));
        }

        keys = loaded;
        return loaded.Count == 0 ? "it holds no signature key." : null;
    }

    private static string? LoadPem(string pem, out IReadOnlyList<ExternalKey> keys)
    {
        keys = [];
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
            return "it holds a private key; give TokenIM the public key only.";
        if (TryEc(pem) is { } ec)
        {
            keys = [new ExternalKey(new ECDsaSecurityKey(ec), null, null)];
            return null;
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        if (rsa.KeySize < MinRsaBits)
            return $"the RSA key has {rsa.KeySize} bits; at least {MinRsaBits} are required.";
        keys = [new ExternalKey(new RsaSecurityKey(rsa), null, null)];
        return null;
    }

    private static ECDsa? TryEc(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            return null;
        }
    }

    [LoggerMessage(EventId = 1250, Level = LogLevel.Information, Message = "Keys of external issuer {Issuer} loaded: {Count}")]
    private static partial void LogReloaded(ILogger logger, string issuer, int count);

    [LoggerMessage(EventId = 1251, Level = LogLevel.Warning, Message = "Keys of external issuer {Issuer} not reloaded, the loaded ones stay: {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string issuer, string error);
}
