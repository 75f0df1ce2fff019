using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenIM.Server.Auth;

namespace TokenIM.Tests.Auth;

public sealed class SigningKeysTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tokenim-unit", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private SigningKeys Create() => new(TestOptions.Create(o => o.DataDirectory = _data), _clock, NullLogger<SigningKeys>.Instance);

    [Fact]
    public void LoadOrRotate_FirstStart_MakesOneOwnerOnlyKeyFile()
    {
        var keys = Create();

        keys.LoadOrRotate();

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_data, "keys"), "*.pem"));
        Assert.Equal(keys.Current.KeyId + ".pem", Path.GetFileName(file));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrRotate_Restart_ReusesTheKey()
    {
        var first = Create();
        first.LoadOrRotate();

        var second = Create();
        second.LoadOrRotate();

        Assert.Equal(first.Current.KeyId, second.Current.KeyId);
        Assert.Single(second.All);
    }

    [Fact]
    public void LoadOrRotate_AfterRotationPeriod_AddsKeyAndKeepsOldOneForOneTokenLifetime()
    {
        var keys = Create();
        keys.LoadOrRotate();
        var old = keys.Current.KeyId;

        _clock.Advance(TimeSpan.FromDays(90));
        keys.LoadOrRotate();

        Assert.NotEqual(old, keys.Current.KeyId);
        Assert.Equal([old, keys.Current.KeyId], keys.All.Select(k => k.KeyId));
        Assert.NotNull(keys.Find(old));

        // Past one access-token lifetime (15 min) plus a minute, the old key is retired.
        _clock.Advance(TimeSpan.FromMinutes(17));
        keys.LoadOrRotate();

        Assert.Null(keys.Find(old));
        Assert.True(File.Exists(Path.Combine(_data, "keys", "retired", old + ".pem")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
            Directory.Delete(_data, recursive: true);
    }
}
