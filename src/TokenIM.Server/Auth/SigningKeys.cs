using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>
/// The ES256 signing keys: one PKCS#8 PEM file per key, <c>&lt;kid&gt;.pem</c> in <c>TokenIM:Tokens:KeyDirectory</c>
/// (by default <c>keys/</c> in the data directory), readable by the owner only. The newest key signs; every loaded key
/// verifies and is published in the JWKS. A new key is made when the newest is older than
/// <c>TokenIM:Tokens:SigningKeyRotation</c>; a key superseded for longer than an access-token lifetime (plus clock
/// skew) can no longer verify a live token and is moved to <c>retired/</c>.
/// </summary>
/// <remarks>
/// Several nodes may share the folder, so that a token signed on one verifies on all. Rotation and retirement run
/// under an exclusive lock on <c>.lock</c> in the folder and decide from what is on disk inside the lock: nodes that
/// find a key due at the same moment make exactly one. A key file appears whole (written aside, then renamed), so a
/// node reading the folder meanwhile never sees half a key. A node picks up keys made elsewhere when a token names a
/// <c>kid</c> it has not loaded (at most once per <see cref="s_missReloadInterval"/>, so junk kids cost nothing), and
/// before signing at least once per <see cref="s_signReloadInterval"/>, so it never signs with a key another node
/// superseded long enough ago to retire.
/// </remarks>
internal sealed partial class SigningKeys(IOptions<TokenImOptions> options, TimeProvider time, ILogger<SigningKeys> logger)
{
    public const string LockFileName = ".lock";
    private const string KidTimeFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const int MaxKidLength = 64;
    private static readonly TimeSpan s_retireAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_missReloadInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_signReloadInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _reloadGate = new();
    private volatile KeySet _keys = new([], [], null);
    private long _lastReloadTicks;

    public ECDsaSecurityKey Current
    {
        get
        {
            ReloadIfOlderThan(s_signReloadInterval);
            return _keys.Current ?? throw new InvalidOperationException("Signing keys are not loaded.");
        }
    }

    public IReadOnlyList<ECDsaSecurityKey> All => _keys.All;

    public string Directory => options.Value.Tokens.KeyDirectory is { Length: > 0 } shared
        ? Path.GetFullPath(shared)
        : Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "keys");

    /// <summary>
    /// The key named <paramref name="kid"/>. An unknown kid makes the folder be read again first: at once when the
    /// kid's file is there (a key another node just made), otherwise at most once a second.
    /// </summary>
    public ECDsaSecurityKey? Find(string? kid)
    {
        if (string.IsNullOrEmpty(kid) || kid.Length > MaxKidLength)
            return null;
        if (FindLoaded(kid) is { } key)
            return key;
        if (!IsPlainFileName(kid))
            return null;
        var reloaded = ReloadIfOlderThan(s_missReloadInterval)
            || (File.Exists(Path.Combine(Directory, kid + ".pem")) && ReloadIfOlderThan(TimeSpan.Zero));
        return reloaded ? FindLoaded(kid) : null;
    }

    /// <summary>Reads the folder again (at most once a second) so that the JWKS lists keys made on other nodes.</summary>
    public IReadOnlyList<ECDsaSecurityKey> AllFresh()
    {
        ReloadIfOlderThan(s_missReloadInterval);
        return _keys.All;
    }

    /// <summary>Reads the folder now: another node said it made a key (<see cref="Bus.BusEnvelopeKind.SigningKeysChanged"/>).</summary>
    public void Reload() => ReloadIfOlderThan(TimeSpan.Zero);

    /// <summary>The published keys, oldest first, with when each was made and, once superseded, when it retires.</summary>
    public IReadOnlyList<SigningKeyInfo> Describe()
    {
        ReloadIfOlderThan(s_missReloadInterval);
        var set = _keys;
        var keepAfter = options.Value.Tokens.AccessTokenLifetime + s_retireAfter;
        var infos = new List<SigningKeyInfo>(set.All.Count);
        for (var i = 0; i < set.All.Count; i++)
        {
            DateTimeOffset? supersededAt = i + 1 < set.All.Count ? set.Created[i + 1] : null;
            infos.Add(new SigningKeyInfo(set.All[i].KeyId, set.Created[i], ReferenceEquals(set.All[i], set.Current), supersededAt, supersededAt + keepAfter));
        }

        return infos;
    }

    /// <summary>
    /// Makes a new key now, whatever the age of the newest: it signs from now on (on this node at once; on the others
    /// when they read the folder again). The keys before it stay published until every token they signed has expired.
    /// Returns the new key's id.
    /// </summary>
    public string Rotate() => LoadOrRotate(force: true)!;

    /// <summary>
    /// Loads the keys, makes the first or a rotated key, retires expired ones. Safe to call again (the rotation timer
    /// does), also from several nodes at once. Returns the id of the key it made, if it made one.
    /// </summary>
    public string? LoadOrRotate() => LoadOrRotate(force: false);

    private string? LoadOrRotate(bool force)
    {
        var directory = Directory;
        // Made owner-only when new; an existing folder (a shared secret volume) keeps the modes its operator chose.
        if (!System.IO.Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
                System.IO.Directory.CreateDirectory(directory);
            else
                System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using var exclusive = AcquireLock(directory);
        var now = time.GetUtcNow();
        var loaded = LoadAll(directory);
        string? made = null;
        if (force || loaded.Count == 0 || now - loaded[^1].Created >= options.Value.Tokens.SigningKeyRotation)
        {
            // A kid names its second: two rotations within one would tie, and every node must agree which key is newest.
            var stamp = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerSecond));
            if (loaded.Count > 0 && stamp <= loaded[^1].Created)
                stamp = loaded[^1].Created.AddTicks(-(loaded[^1].Created.UtcTicks % TimeSpan.TicksPerSecond)).AddSeconds(1);
            loaded.Add(Create(directory, stamp));
            made = loaded[^1].Key.KeyId;
            LogKeyCreated(logger, made);
        }

        // A key is needed while tokens it signed may still be alive: until its successor has signed for one lifetime.
        var keepAfter = options.Value.Tokens.AccessTokenLifetime + s_retireAfter;
        var kept = new List<LoadedKey>();
        for (var i = 0; i < loaded.Count; i++)
        {
            var supersededAt = i + 1 < loaded.Count ? loaded[i + 1].Created : (DateTimeOffset?)null;
            if (supersededAt is { } at && now - at > keepAfter)
                Retire(directory, loaded[i]);
            else
                kept.Add(loaded[i]);
        }

        Publish(kept, now);
        return made;
    }

    private ECDsaSecurityKey? FindLoaded(string kid)
    {
        foreach (var key in _keys.All)
        {
            if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
                return key;
        }

        return null;
    }

    /// <summary>Reads the folder unless that was done within <paramref name="interval"/>; true when it read it.</summary>
    private bool ReloadIfOlderThan(TimeSpan interval)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks - Interlocked.Read(ref _lastReloadTicks) < interval.Ticks)
            return false;
        // One reader at a time; one that waited finds the folder just read and takes that.
        lock (_reloadGate)
        {
            if (interval > TimeSpan.Zero && now.UtcTicks - Interlocked.Read(ref _lastReloadTicks) < interval.Ticks)
                return false;
            var loaded = LoadAll(Directory);
            // Never drop to nothing (a folder briefly unreadable): keep signing with what is loaded.
            if (loaded.Count > 0)
                Publish(loaded, now);
            else
                Interlocked.Exchange(ref _lastReloadTicks, now.UtcTicks);
            return true;
        }
    }

    // A kid is looked up as a file name only if it cannot name anything outside the folder.
    private static bool IsPlainFileName(string kid) =>
        kid[0] != '.' && kid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private void Publish(List<LoadedKey> keys, DateTimeOffset now)
    {
        var all = keys.ConvertAll(k => k.Key);
        _keys = new KeySet(all, keys.ConvertAll(k => k.Created), all.Count > 0 ? all[^1] : null);
        Interlocked.Exchange(ref _lastReloadTicks, now.UtcTicks);
    }

    private List<LoadedKey> LoadAll(string directory)
    {
        var known = _keys.All.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
        var keys = new List<LoadedKey>();
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.pem"))
        {
            var kid = Path.GetFileNameWithoutExtension(file);
            var created = DateTimeOffset.TryParseExact(kid.Split('-')[0], KidTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp)
                ? stamp
                : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
            // The same object for a key already loaded: the token handler caches its verifier per key object.
            if (known.TryGetValue(kid, out var loadedBefore))
            {
                keys.Add(new LoadedKey(loadedBefore, created, file));
                continue;
            }

            string pem;
            try
            {
                pem = File.ReadAllText(file);
            }
            catch (FileNotFoundException)
            {
                continue; // retired by another node between the listing and the read
            }

            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256)
                throw new InvalidOperationException($"Signing key {file} is not a P-256 key.");
            keys.Add(new LoadedKey(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, created, file));
        }

        keys.Sort((a, b) => a.Created.CompareTo(b.Created));
        return keys;
    }

    private static LoadedKey Create(string directory, DateTimeOffset now)
    {
        var kid = string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime.ToString(KidTimeFormat, CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(directory, kid + ".pem");
        // Written under a name no reader lists, then renamed: the .pem appears whole or not at all.
        var pending = Path.Combine(directory, $".{kid}.pending");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(pending, fileOptions))
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
        File.Move(pending, path, overwrite: false);
        return new LoadedKey(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, now, path);
    }

    private void Retire(string directory, LoadedKey key)
    {
        var retired = Path.Combine(directory, "retired");
        System.IO.Directory.CreateDirectory(retired);
        File.Move(key.Path, Path.Combine(retired, Path.GetFileName(key.Path)), overwrite: true);
        LogKeyRetired(logger, key.Key.KeyId);
    }

    /// <summary>
    /// An exclusive lock on the folder's lock file (flock on Unix, a share-none open on Windows), shared by every node
    /// and process; the operating system releases it if the holder dies, so a crash never leaves the folder locked.
    /// </summary>
    private static FileStream AcquireLock(string directory)
    {
        var path = Path.Combine(directory, LockFileName);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < s_lockTimeout)
            {
                // Another node holds it for the few milliseconds a rotation takes.
                Thread.Sleep(20);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"The signing-key folder {directory} stayed locked ({path}) for {s_lockTimeout.TotalSeconds:0} s.", e);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Created signing key {KeyId}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Retired signing key {KeyId}")]
    private static partial void LogKeyRetired(ILogger logger, string keyId);

    private sealed record LoadedKey(ECDsaSecurityKey Key, DateTimeOffset Created, string Path);

    private sealed record KeySet(IReadOnlyList<ECDsaSecurityKey> All, IReadOnlyList<DateTimeOffset> Created, ECDsaSecurityKey? Current);
}

/// <summary>A published signing key, without private material.</summary>
/// <param name="KeyId">The <c>kid</c> its tokens carry.</param>
/// <param name="CreatedAt">When it was made (the second its kid names).</param>
/// <param name="Current">Whether it signs new tokens.</param>
/// <param name="SupersededAt">When a newer key took over signing; null for the current key.</param>
/// <param name="RetiresAt">When every token it signed has expired; the next housekeeping after it moves the key to <c>retired/</c>.</param>
internal sealed record SigningKeyInfo(string KeyId, DateTimeOffset CreatedAt, bool Current, DateTimeOffset? SupersededAt, DateTimeOffset? RetiresAt);
