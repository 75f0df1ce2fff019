using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TokenIM.Server.Bus;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Storage;

/// <summary>
/// Who is in a conversation: the member ids in joining order, with an O(1) membership test. Immutable; a change to
/// the membership makes a new one.
/// </summary>
internal sealed class MemberRoster(IReadOnlyList<string> memberIds)
{
    private readonly HashSet<string> _members = new(memberIds, StringComparer.Ordinal);

    public IReadOnlyList<string> MemberIds { get; } = memberIds;

    public bool Contains(string userId) => _members.Contains(userId);
}

/// <summary>
/// What the hot paths ask about membership, kept in memory: each recently used conversation's roster (the send
/// path's membership check, the fan-out's recipients, typing, receipts) and each recently connected user's presence
/// audience (asked on every socket's open and close). The store drops the affected entries after every membership
/// change commits. A load that overlapped any change is used but not kept, so an entry read before a change can
/// never be cached after it. The writer still checks membership inside its transaction: a send racing a removal is
/// refused there.
/// </summary>
/// <remarks>
/// On several nodes a change made on one must reach the caches of all: <see cref="ChangedAsync"/> publishes it on the
/// bus, and every node (this one included, before the call returns) drops the entries when it hears it.
/// </remarks>
internal sealed class MembershipCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly IBus _bus;
    private readonly IDisposable _subscription;
    private long _changes;

    public MembershipCache(IOptions<TokenImOptions> options, IBus bus)
    {
        _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.Storage.MembershipCacheEntries });
        _bus = bus;
        _subscription = bus.Subscribe(envelope =>
        {
            if (envelope is { Kind: BusEnvelopeKind.MembershipChanged, ConversationId: { } conversationId })
                Invalidate(conversationId, envelope.UserIds);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Announces a committed membership change of <paramref name="conversationId"/> touching <paramref name="users"/>
    /// (every member before and after it) to every node's cache, this node's included.
    /// </summary>
    public async Task ChangedAsync(string conversationId, IReadOnlyList<string> users)
    {
        // Dropped here first, whatever happens to the publish: this node's next read must see the change.
        Invalidate(conversationId, users);
        await _bus.PublishAsync(BusEnvelope.MembershipChanged(conversationId, users));
    }

    /// <summary>The conversation's cached roster, or the one <paramref name="load"/> reads.</summary>
    public ValueTask<MemberRoster?> GetRosterAsync(string conversationId, Func<Task<MemberRoster?>> load) =>
        GetAsync(RosterKey(conversationId), load);

    /// <summary>The user's cached presence audience, or the one <paramref name="load"/> reads.</summary>
    public ValueTask<IReadOnlyList<string>?> GetAudienceAsync(string userId, Func<Task<IReadOnlyList<string>?>> load) =>
        GetAsync(AudienceKey(userId), load);

    /// <summary>
    /// Drops the conversation's roster and the audiences of <paramref name="users"/> (every member before and after
    /// the change); called after a membership change committed.
    /// </summary>
    public void Invalidate(string conversationId, IEnumerable<string> users)
    {
        Interlocked.Increment(ref _changes);
        _cache.Remove(RosterKey(conversationId));
        foreach (var userId in users)
            _cache.Remove(AudienceKey(userId));
    }

    private async ValueTask<T?> GetAsync<T>(string key, Func<Task<T?>> load)
        where T : class
    {
        if (_cache.TryGetValue(key, out T? cached))
            return cached;
        var changesBefore = Interlocked.Read(ref _changes);
        var value = await load();
        // "No such conversation" is not kept: one created a moment later must be seen at once.
        if (value is not null && Interlocked.Read(ref _changes) == changesBefore)
            _cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return value;
    }

    private static string RosterKey(string conversationId) => "r:" + conversationId;

    private static string AudienceKey(string userId) => "a:" + userId;

    public void Dispose()
    {
        _subscription.Dispose();
        _cache.Dispose();
    }
}
