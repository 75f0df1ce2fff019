using TokenIM.Server.Storage;

namespace TokenIM.Tests.Storage;

public sealed class RosterCacheTests
{
    private static MemberRoster Roster(params string[] members) => new("group", members);

    [Fact]
    public async Task GetAsync_SecondRead_ServedFromMemory()
    {
        using var cache = new RosterCache(TestOptions.Create());
        var loads = 0;

        await cache.GetAsync("c1", () => { loads++; return Task.FromResult<MemberRoster?>(Roster("a", "b")); });
        var second = await cache.GetAsync("c1", () => { loads++; return Task.FromResult<MemberRoster?>(Roster("x")); });

        Assert.Equal(1, loads);
        Assert.Equal(["a", "b"], second!.MemberIds);
        Assert.True(second.Contains("b"));
        Assert.False(second.Contains("x"));
    }

    [Fact]
    public async Task Invalidate_AfterAChange_NextReadLoadsAgain()
    {
        using var cache = new RosterCache(TestOptions.Create());
        await cache.GetAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a", "b")));

        cache.Invalidate("c1");
        var fresh = await cache.GetAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));

        Assert.False(fresh!.Contains("b"));
    }

    [Fact]
    public async Task GetAsync_LoadOverlappingAChange_IsReturnedButNotKept()
    {
        using var cache = new RosterCache(TestOptions.Create());
        var loading = new TaskCompletionSource<MemberRoster?>();

        // A reader loads the old roster; the change commits and invalidates before that load finishes.
        var stale = cache.GetAsync("c1", () => loading.Task);
        cache.Invalidate("c1");
        loading.SetResult(Roster("a", "removed"));
        Assert.True((await stale)!.Contains("removed"));

        var next = await cache.GetAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));
        Assert.False(next!.Contains("removed"));
    }

    [Fact]
    public async Task GetAsync_NoSuchConversation_IsNotKept()
    {
        using var cache = new RosterCache(TestOptions.Create());
        await cache.GetAsync("c1", () => Task.FromResult<MemberRoster?>(null));

        // Created a moment later: seen at once.
        var created = await cache.GetAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));

        Assert.NotNull(created);
    }
}
