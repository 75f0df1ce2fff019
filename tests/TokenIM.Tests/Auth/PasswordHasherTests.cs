using TokenIM.Server.Auth;

namespace TokenIM.Tests.Auth;

public sealed class PasswordHasherTests
{
    [Fact]
    public async Task HashAsync_StoresSchemeIterationsSaltAndHash()
    {
        using var hasher = new PasswordHasher(TestOptions.Create());

        var hash = await hasher.HashAsync("a fine passphrase", CancellationToken.None);

        var parts = hash.Split('$');
        Assert.Equal(["pbkdf2-sha256", "1000"], parts[..2]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public async Task HashAsync_SamePasswordTwice_UsesFreshSalts()
    {
        using var hasher = new PasswordHasher(TestOptions.Create());

        Assert.NotEqual(await hasher.HashAsync("same password", CancellationToken.None), await hasher.HashAsync("same password", CancellationToken.None));
    }

    [Fact]
    public async Task VerifyAsync_RightAndWrongPasswords()
    {
        using var hasher = new PasswordHasher(TestOptions.Create());
        var hash = await hasher.HashAsync("a fine passphrase", CancellationToken.None);

        Assert.Equal(PasswordCheck.Correct, await hasher.VerifyAsync("a fine passphrase", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.Wrong, await hasher.VerifyAsync("a fine passphrasE", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.Wrong, await hasher.VerifyAsync("a fine passphrase", null, CancellationToken.None));
    }

    [Fact]
    public async Task VerifyAsync_HashWithFewerIterationsThanConfigured_AsksForRehash()
    {
        using var old = new PasswordHasher(TestOptions.Create(o => o.Passwords.Pbkdf2Iterations = 1000));
        using var current = new PasswordHasher(TestOptions.Create(o => o.Passwords.Pbkdf2Iterations = 2000));
        var hash = await old.HashAsync("a fine passphrase", CancellationToken.None);

        Assert.Equal(PasswordCheck.CorrectNeedsRehash, await current.VerifyAsync("a fine passphrase", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.Wrong, await current.VerifyAsync("wrong", hash, CancellationToken.None));
    }

    [Fact]
    public void DefaultCost_IsAtLeastTheOwaspMinimum() =>
        Assert.True(new Server.Hosting.TokenImOptions().Passwords.Pbkdf2Iterations >= 600_000);
}
