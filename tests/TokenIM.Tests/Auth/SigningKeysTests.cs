using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenIM.Server.Auth;

namespace TokenIM.Tests.Auth;

public sealed class SigningKeysTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tokenim-unit", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string SharedKeys => Path.Combine(_data, "shared-keys");

    private SigningKeys Create() => new(TestOptions.Create(o => o.DataDirectory = _data), _clock, NullLogger<SigningKeys>.Instance);

    /// <summary>One node of a cluster: its own data directory, the keys in the folder every node shares.</summary>
    private SigningKeys Node(string name, TimeSpan? rotation = null, FakeTimeProvider? clock = null) => new(TestOptions.Create(o =>
    {
        o.DataDirectory = Path.Combine(_data, name);
        o.Tokens.KeyDirectory = SharedKeys;
        o.Tokens.SigningKeyRotation = rotation ?? o.Tokens.SigningKeyRotation;
    }), clock ?? _clock, NullLogger<SigningKeys>.Instance);

    private string[] SharedKeyFiles() => Directory.GetFiles(SharedKeys, "*.pem");

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

    [Fact]
    public void LoadOrRotate_KeyDirectorySet_KeepsTheKeysThereOnly()
    {
        var keys = Node("node1");

        keys.LoadOrRotate();

        Assert.Equal(keys.Current.KeyId + ".pem", Path.GetFileName(Assert.Single(SharedKeyFiles())));
        Assert.False(Directory.Exists(Path.Combine(_data, "node1", "keys")));
    }

    [Fact]
    public void LoadOrRotate_TwoNodesSharingTheFolder_SignWithTheSameKey()
    {
        var node1 = Node("node1");
        var node2 = Node("node2");

        node1.LoadOrRotate();
        node2.LoadOrRotate();

        Assert.Equal(node1.Current.KeyId, node2.Current.KeyId);
        Assert.Single(SharedKeyFiles());
    }

    [Fact]
    public async Task LoadOrRotate_TwoNodesAtOnce_MakeExactlyOneKey()
    {
        // Many rounds: without the lock, two nodes that both see no key (or a key due) each make one nearly every time.
        for (var round = 0; round < 20; round++)
        {
            if (Directory.Exists(SharedKeys))
                Directory.Delete(SharedKeys, recursive: true);
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            SigningKeys[] nodes = [Node("node1", clock: clock), Node("node2", clock: clock)];

            await AtOnce(nodes, k => k.LoadOrRotate());
            Assert.Single(SharedKeyFiles());
            Assert.Equal(nodes[0].Current.KeyId, nodes[1].Current.KeyId);

            clock.Advance(TimeSpan.FromDays(90));
            await AtOnce(nodes, k => k.LoadOrRotate());
            Assert.Equal(2, SharedKeyFiles().Length);
            Assert.Equal(nodes[0].Current.KeyId, nodes[1].Current.KeyId);
        }
    }

    [Fact]
    public void Find_KeyRotatedByAnotherNode_FoundAtOnce()
    {
        var node1 = Node("node1", rotation: TimeSpan.FromHours(1));
        var node2 = Node("node2");
        node1.LoadOrRotate();
        node2.LoadOrRotate();
        _clock.Advance(TimeSpan.FromHours(2));

        node1.LoadOrRotate();

        var rotated = node1.Current.KeyId;
        Assert.NotEqual(rotated, node2.All[^1].KeyId);
        Assert.Equal(rotated, node2.Find(rotated)?.KeyId);
        Assert.Equal(rotated, node2.Current.KeyId);
    }

    [Fact]
    public void Find_KeyRotatedJustAfterARead_FoundAtOnce()
    {
        var node1 = Node("node1", rotation: TimeSpan.FromHours(1));
        var node2 = Node("node2");
        node1.LoadOrRotate();
        node2.LoadOrRotate();
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(node2.Find("junk")); // reads the folder: nothing new

        node1.LoadOrRotate();

        // Within the same second: the kid's file is there, so the folder is read again at once.
        Assert.Equal(node1.Current.KeyId, node2.Find(node1.Current.KeyId)?.KeyId);
    }

    [Fact]
    public void Find_UnknownKids_ReadTheFolderAtMostOncePerSecond()
    {
        var node1 = Node("node1", rotation: TimeSpan.FromHours(1));
        var node2 = Node("node2");
        node1.LoadOrRotate();
        node2.LoadOrRotate();
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(node2.Find("junk-1")); // reads the folder: nothing new
        node1.LoadOrRotate();

        // Kids with no file behind them within the same second: the folder is not read again, so the new key stays unseen.
        Assert.Null(node2.Find("junk-2"));
        Assert.Null(node2.Find("../keys/x"));
        Assert.Single(node2.All);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(node2.Find("junk-3"));
        Assert.Equal(2, node2.All.Count);
    }

    /// <summary>Runs <paramref name="action"/> on every node, each on its own thread, released together.</summary>
    private static async Task AtOnce(SigningKeys[] nodes, Action<SigningKeys> action)
    {
        using var start = new Barrier(nodes.Length);
        await Task.WhenAll(nodes.Select(node => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            action(node);
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
            Directory.Delete(_data, recursive: true);
    }
}
