using TokenIM.Server.Delivery;

namespace TokenIM.Tests.Delivery;

public sealed class ConnectionRegistryTests
{
    private sealed class FakeConnection(string id, string userId) : IClientConnection
    {
        public string Id => id;

        public string UserId => userId;

        public string SessionId => "s-" + id;

        public bool TryEnqueue(ReadOnlyMemory<byte> frame) => true;

        public void Close(int code, string reason)
        {
        }
    }

    [Fact]
    public void TryRegister_ReportsTheFirstSocketOfAUser()
    {
        var registry = new ConnectionRegistry();

        Assert.Equal(RegisterResult.FirstOfUser, registry.TryRegister(new FakeConnection("1", "alice"), 10, 100));
        Assert.Equal(RegisterResult.Registered, registry.TryRegister(new FakeConnection("2", "alice"), 10, 100));
        Assert.Equal(RegisterResult.FirstOfUser, registry.TryRegister(new FakeConnection("3", "bob"), 10, 100));
        Assert.Equal(3, registry.Count);
        Assert.Equal(2, registry.UserCount);
    }

    [Fact]
    public void TryRegister_PerUserAndNodeLimits()
    {
        var registry = new ConnectionRegistry();
        registry.TryRegister(new FakeConnection("1", "alice"), 2, 3);
        registry.TryRegister(new FakeConnection("2", "alice"), 2, 3);

        Assert.Equal(RegisterResult.UserFull, registry.TryRegister(new FakeConnection("3", "alice"), 2, 3));
        Assert.Equal(RegisterResult.FirstOfUser, registry.TryRegister(new FakeConnection("4", "bob"), 2, 3));
        Assert.Equal(RegisterResult.NodeFull, registry.TryRegister(new FakeConnection("5", "carol"), 2, 3));
        Assert.Equal(3, registry.Count);
    }

    [Fact]
    public void TryRegister_RunsBeforeVisibleBeforeTheSocketCanBeFound_AndNotWhenRefused()
    {
        var registry = new ConnectionRegistry();
        var seenBefore = -1;
        var connection = new FakeConnection("1", "alice");

        registry.TryRegister(connection, 1, 10, () => seenBefore = registry.Get("alice").Length);
        var refusedRan = false;
        registry.TryRegister(new FakeConnection("2", "alice"), 1, 10, () => refusedRan = true);

        Assert.Equal(0, seenBefore);
        Assert.Same(connection, Assert.Single(registry.Get("alice")));
        Assert.False(refusedRan);
    }

    [Fact]
    public void Unregister_TrueOnlyForTheLastSocketOfAUser()
    {
        var registry = new ConnectionRegistry();
        var first = new FakeConnection("1", "alice");
        var second = new FakeConnection("2", "alice");
        registry.TryRegister(first, 10, 100);
        registry.TryRegister(second, 10, 100);

        Assert.False(registry.Unregister(first));
        Assert.True(registry.IsOnline("alice"));
        Assert.True(registry.Unregister(second));
        Assert.False(registry.IsOnline("alice"));
        Assert.False(registry.Unregister(second));
        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.Get("alice"));
    }

    [Fact]
    public void RegisterAndUnregister_Concurrently_KeepCountsExact()
    {
        var registry = new ConnectionRegistry();
        var connections = Enumerable.Range(0, 4000).Select(i => new FakeConnection(i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"user{i % 7}")).ToArray();

        Parallel.ForEach(connections, c => registry.TryRegister(c, 10_000, 10_000));
        Assert.Equal(4000, registry.Count);
        var lasts = 0;
        Parallel.ForEach(connections, c =>
        {
            if (registry.Unregister(c))
                Interlocked.Increment(ref lasts);
        });

        Assert.Equal(0, registry.Count);
        Assert.Equal(7, lasts);
        Assert.Equal(0, registry.UserCount);
    }
}
