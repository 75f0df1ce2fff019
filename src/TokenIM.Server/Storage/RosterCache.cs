using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Storage;

/// <summary>
/// Who is in a conversation: its type and member ids in joining order, with an O(1) membership test. Immutable; a
/// change to the membership makes a new one.
/// </summary>
internal sealed class MemberRoster(string conversationType, IReadOnlyList<string> memberIds)
{
    private readonly HashSet<string> _members = new(memberIds, StringComparer.Ordinal);

    public string ConversationType { get; } = conversationType;

    public IReadOnlyList<string> MemberIds { get; } = memberIds;

    public bool Contains(string userId) => _members.Contains(userId);
}

/// <summary>
/// The rosters of recently active conversations, so the send path (the membership check, the fan-out's recipients,
/// typing and receipts) asks the database nothing. The store drops a roster after every membership change commits.
/// A load that overlapped any change is used but not kept, so a roster read before a change can never be cached
/// after it. The writer still checks membership inside its transaction: a send racing a removal is refused there.
/// </summary>
internal sealed class RosterCache(IOptions<TokenImOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.Storage.RosterCacheEntries });
    private long _changes;

    /// <summary>The cached roster, or the one <paramref name="load"/> reads (kept only if nothing changed meanwhile).</summary>
    public async ValueTask<MemberRoster?> GetAsync(string conversationId, Func<Task<MemberRoster?>> load)
    {
        if (_cache.TryGetValue(conversationId, out MemberRoster? cached))
            return cached;
        var changesBefore = Interlocked.Read(ref _changes);
        var roster = await load();
        // Not-a-member answers are not kept: a conversation created a moment later must be seen at once.
        if (roster is not null && Interlocked.Read(ref _changes) == changesBefore)
            _cache.Set(conversationId, roster, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return roster;
    }

    /// <summary>Drops the conversation's roster; called after a membership change committed.</summary>
    public void Invalidate(string conversationId)
    {
        Interlocked.Increment(ref _changes);
        _cache.Remove(conversationId);
    }

    public void Dispose() => _cache.Dispose();
}
