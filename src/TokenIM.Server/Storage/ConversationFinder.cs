using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// The admin console's search over conversations: by exact id, or by a part of a group's title, newest activity
/// first. It asks every shard (a title says nothing of where a conversation lives) and merges; the title part scans,
/// which is what an operator's occasional search may cost, never an end user's.
/// </summary>
internal sealed class ConversationFinder(StoreShards shards)
{
    public async Task<IReadOnlyList<(ConversationEntity Conversation, int MemberCount)>> FindAsync(string? query, int limit, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(shards.All.Select(shard => FindOnAsync(shard, query, limit, cancellationToken)));
        return [.. found.SelectMany(f => f).OrderByDescending(f => f.Conversation.UpdatedAt).ThenBy(f => f.Conversation.Id, StringComparer.Ordinal).Take(limit)];
    }

    private static async Task<List<(ConversationEntity Conversation, int MemberCount)>> FindOnAsync(Shard shard, string? query, int limit, CancellationToken cancellationToken)
    {
        await using var db = shard.Create();
        var conversations = db.Conversations.AsNoTracking();
        if (!string.IsNullOrEmpty(query))
        {
            var lower = query.ToLowerInvariant();
            // lower() and instr/strpos in SQL: the StringComparison overload CA1862 asks for does not translate.
#pragma warning disable CA1862
            conversations = conversations.Where(c => c.Id == query || (c.Title != null && c.Title.ToLower().Contains(lower)));
#pragma warning restore CA1862
        }

        var rows = await conversations
            .OrderByDescending(c => c.UpdatedAt)
            .Take(limit)
            .Select(c => new { Conversation = c, Members = db.Members.Count(m => m.ConversationId == c.Id) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Conversation, r.Members))];
    }
}
