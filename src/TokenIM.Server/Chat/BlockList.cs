using System.Collections.Frozen;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TokenIM.Server.Bus;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Who each recently asked-about user blocked, kept in memory: the send path asks it for every message to a
/// conversation of two, so it must not read the database each time. A block or unblock drops the user's entry on
/// every node through the bus (this node's at once, before the call returns); a load that overlapped a change is
/// used but not kept, as in <see cref="MembershipCache"/>.
/// </summary>
/// <remarks>Sized by <c>TokenIM:Storage:MembershipCacheEntries</c>: one entry per user, like the presence audiences.</remarks>
internal sealed class BlockList : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly IBus _bus;
    private readonly IBlockStore _store;
    private readonly IDisposable _subscription;
    private long _changes;

    public BlockList(IOptions<TokenImOptions> options, IBus bus, IBlockStore store)
    {
        _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.Storage.MembershipCacheEntries });
        _bus = bus;
        _store = store;
        _subscription = bus.Subscribe(envelope =>
        {
            if (envelope is { Kind: BusEnvelopeKind.BlocksChanged, UserIds: [var userId, ..] })
                Invalidate(userId);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Whether <paramref name="senderId"/> may not send to <paramref name="conversationId"/> because it is their
    /// direct conversation with a user who blocked them. Groups are never affected. A roster of two whose other member
    /// blocked nobody (the usual case) costs one dictionary lookup.
    /// </summary>
    public async ValueTask<bool> IsSendBlockedAsync(string senderId, string conversationId, MemberRoster roster, CancellationToken cancellationToken)
    {
        if (roster.MemberIds.Count != 2)
            return false;
        var other = roster.MemberIds[0] == senderId ? roster.MemberIds[1] : roster.MemberIds[0];
        if (!(await BlockedByAsync(other, cancellationToken)).Contains(senderId))
            return false;
        // A group of two is not a direct conversation: the pair's direct one has the id derived from their key.
        return ChatRules.DirectId(ChatRules.DirectKey(senderId, other)) == conversationId;
    }

    /// <summary>Announces that <paramref name="userId"/> blocked or unblocked someone, to every node's cache (this one's first).</summary>
    public async Task ChangedAsync(string userId)
    {
        Invalidate(userId);
        await _bus.PublishAsync(BusEnvelope.BlocksChanged(userId));
    }

    /// <summary>Whether this node holds <paramref name="userId"/>'s block list (for tests that wait for the bus).</summary>
    internal bool IsCached(string userId) => _cache.TryGetValue(userId, out _);

    private async ValueTask<FrozenSet<string>> BlockedByAsync(string userId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(userId, out FrozenSet<string>? cached))
            return cached!;
        var changesBefore = Interlocked.Read(ref _changes);
        var blocked = (await _store.BlockedIdsAsync(userId, cancellationToken)).ToFrozenSet(StringComparer.Ordinal);
        if (Interlocked.Read(ref _changes) == changesBefore)
            _cache.Set(userId, blocked, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return blocked;
    }

    private void Invalidate(string userId)
    {
        Interlocked.Increment(ref _changes);
        _cache.Remove(userId);
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _cache.Dispose();
    }
}
