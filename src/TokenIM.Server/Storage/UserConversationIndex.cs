using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// Each user's conversations, kept on the user's home shard (see <see cref="UserConversationEntity"/>): how a user's
/// conversation list finds the few shards to ask instead of asking them all. Written only when membership changes
/// (rare), never per message; unread counts and last messages are read from the conversations' own shards. With one
/// database the members table answers directly and the index is not read.
/// </summary>
internal sealed class UserConversationIndex(StoreShards shards)
{
    /// <summary>
    /// Adds the rows of <paramref name="userIds"/>. Those whose home is <paramref name="shard"/> go through
    /// <paramref name="db"/> and its open transaction (on SQLite a second connection would wait for that transaction's
    /// lock); the others are committed on their home shards at once, before the membership they announce.
    /// </summary>
    public async Task AddAsync(Shard shard, TokenImDbContext db, string conversationId, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        foreach (var group in userIds.GroupBy(shards.IndexOf))
        {
            var home = shards.All[group.Key];
            if (home == shard)
            {
                await InsertAsync(db, conversationId, [.. group], cancellationToken);
                continue;
            }

            await using var other = home.Create();
            await InsertAsync(other, conversationId, [.. group], cancellationToken);
        }
    }

    /// <summary>Removes the rows of <paramref name="userIds"/>, after the membership they announced was removed.</summary>
    public async Task RemoveAsync(string conversationId, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        foreach (var group in userIds.GroupBy(shards.IndexOf))
        {
            var ids = group.ToList();
            await using var db = shards.All[group.Key].Create();
            await db.UserConversations.Where(u => u.ConversationId == conversationId && ids.Contains(u.UserId)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>The shards holding the user's conversations, each once, in shard order.</summary>
    public async Task<IReadOnlyList<Shard>> ShardsOfAsync(string userId, CancellationToken cancellationToken)
    {
        if (shards.All.Count == 1)
            return shards.All;
        await using var db = shards.For(userId).Create();
        var conversationIds = await db.UserConversations.AsNoTracking()
            .Where(u => u.UserId == userId).Select(u => u.ConversationId).ToListAsync(cancellationToken);
        return [.. conversationIds.Select(shards.IndexOf).Distinct().Order().Select(i => shards.All[i])];
    }

    private static async Task InsertAsync(TokenImDbContext db, string conversationId, string[] userIds, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            // One statement for a group of any size.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""INSERT INTO "user_conversations" ("UserId", "ConversationId") SELECT unnest({userIds}), {conversationId} ON CONFLICT DO NOTHING""",
                cancellationToken);
            return;
        }

        foreach (var userId in userIds)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""INSERT INTO "user_conversations" ("UserId", "ConversationId") VALUES ({userId}, {conversationId}) ON CONFLICT DO NOTHING""",
                cancellationToken);
        }
    }
}
