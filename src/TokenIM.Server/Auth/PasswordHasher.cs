using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 (OWASP: at least 600,000 iterations), from the platform's own cryptography. Each hash
/// carries its parameters — <c>pbkdf2-sha256$iterations$salt$hash</c> — so the cost can rise: a hash made with
/// fewer iterations than configured is redone at the next successful sign-in.
/// </summary>
internal sealed class PasswordHasher : IDisposable
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly int _iterations;
    private readonly SemaphoreSlim _gate;
    private readonly string _dummyHash;

    public PasswordHasher(IOptions<TokenImOptions> options)
    {
        _iterations = options.Value.Passwords.Pbkdf2Iterations;
        _gate = new SemaphoreSlim(options.Value.Passwords.MaxConcurrentHashes);
        _dummyHash = Format(_iterations, RandomNumberGenerator.GetBytes(SaltBytes), new byte[HashBytes]);
    }

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = await DeriveAsync(password, salt, _iterations, cancellationToken);
        return Format(_iterations, salt, hash);
    }

    /// <summary>Checks a password; with a null <paramref name="stored"/> it spends the same time on a dummy hash, so an unknown user is not told apart by timing.</summary>
    public async Task<PasswordCheck> VerifyAsync(string password, string? stored, CancellationToken cancellationToken)
    {
        if (!TryParse(stored ?? _dummyHash, out var iterations, out var salt, out var expected))
            return PasswordCheck.Wrong;
        var actual = await DeriveAsync(password, salt, iterations, cancellationToken);
        if (stored is null || !CryptographicOperations.FixedTimeEquals(actual, expected))
            return PasswordCheck.Wrong;
        return iterations < _iterations ? PasswordCheck.CorrectNeedsRehash : PasswordCheck.Correct;
    }

    public void Dispose() => _gate.Dispose();

    private async Task<byte[]> DeriveAsync(string password, byte[] salt, int iterations, CancellationToken cancellationToken)
    {
        // Bounded: a flood of sign-ins queues here instead of taking every core.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Format(int iterations, byte[] salt, byte[] hash) =>
        string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations))
            return false;
        salt = Convert.FromBase64String(parts[2]);
        hash = Convert.FromBase64String(parts[3]);
        return true;
    }
}

internal enum PasswordCheck
{
    Wrong,
    Correct,
    CorrectNeedsRehash,
}
