using TokenIM.Server.Bus;
using TokenIM.Server.Storage;

namespace TokenIM.Tests.Storage;

public sealed class MembershipCacheTests
{
    private static MemberRoster Roster(params string[] members) => new(members);

    [Fact]
    public async Task GetAsync_SecondRead_ServedFromMemory()
    {
        using var cache = new MembershipCache(TestOptions.Create(), new InMemoryBus());
        var loads = 0;

        await cache.GetRosterAsync("c1", () => { loads++; return Task.FromResult<MemberRoster?>(Roster("a", "b")); });
        var second = await cache.GetRosterAsync("c1", () => { loads++; return Task.FromResult<MemberRoster?>(Roster("x")); });

        Assert.Equal(1, loads);
        Assert.Equal(["a", "b"], second!.MemberIds);
        Assert.True(second.Contains("b"));
        Assert.False(second.Contains("x"));
    }

    [Fact]
    public async Task Invalidate_AfterAChange_NextReadLoadsAgain()
    {
        using var cache = new MembershipCache(TestOptions.Create(), new InMemoryBus());
        await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a", "b")));

        cache.Invalidate("c1", []);
        var fresh = await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));

        Assert.False(fresh!.Contains("b"));
    }

    [Fact]
    public async Task GetAsync_LoadOverlappingAChange_IsReturnedButNotKept()
    {
        using var cache = new MembershipCache(TestOptions.Create(), new InMemoryBus());
        var loading = new TaskCompletionSource<MemberRoster?>();

        // A reader loads the old roster; the change commits and invalidates before that load finishes.
        var stale = cache.GetRosterAsync("c1", () => loading.Task);
        cache.Invalidate("c1", []);
        loading.SetResult(Roster("a", "removed"));
        Assert.True((await stale)!.Contains("removed"));

        var next = await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));
        Assert.False(next!.Contains("removed"));
    }

    [Fact]
    public async Task GetAsync_NoSuchConversation_IsNotKept()
    {
        using var cache = new MembershipCache(TestOptions.Create(), new InMemoryBus());
        await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(null));

        // Created a moment later: seen at once.
        var created = await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));

        Assert.NotNull(created);
    }

    [Fact]
    public async Task Invalidate_AConversationChange_DropsTheMembersAudiencesOnly()
    {
        using var cache = new MembershipCache(TestOptions.Create(), new InMemoryBus());
        static IReadOnlyList<string> Audience(params string[] users) => users;
        await cache.GetAudienceAsync("alice", () => Task.FromResult<IReadOnlyList<string>?>(Audience("bob")));
        await cache.GetAudienceAsync("carol", () => Task.FromResult<IReadOnlyList<string>?>(Audience("dave")));

        cache.Invalidate("c1", ["alice", "erin"]);
        var alice = await cache.GetAudienceAsync("alice", () => Task.FromResult<IReadOnlyList<string>?>(Audience("bob", "erin")));
        var carol = await cache.GetAudienceAsync("carol", () => Task.FromResult<IReadOnlyList<string>?>(Audience("changed")));

        Assert.Equal(["bob", "erin"], alice!);
        Assert.Equal(["dave"], carol!);
    }

    [Fact]
    public async Task AChangeAnnouncedByAnotherNode_DropsTheEntriesHere()
    {
        var bus = new InMemoryBus();
        using var cache = new MembershipCache(TestOptions.Create(), bus);
        await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a", "removed")));

        // What another node's ChangedAsync puts on the bus.
        await bus.PublishAsync(BusEnvelope.MembershipChanged("c1", ["a", "removed"]), TestContext.Current.CancellationToken);
        var next = await cache.GetRosterAsync("c1", () => Task.FromResult<MemberRoster?>(Roster("a")));

        Assert.False(next!.Contains("removed"));
    }
}
