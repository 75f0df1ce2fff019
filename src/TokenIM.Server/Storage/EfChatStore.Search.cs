using System.Text;
using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// Search, per shard and merged. On SQLite a query of at least <see cref="IndexedQueryLength"/> characters goes through
/// the FTS5 trigram table <c>messages_fts</c>, whose cost grows with the number of matches server-wide; a shorter one
/// (a 2-character Chinese word, a single letter) has no trigram to look up, so it scans the searcher's own
/// conversations' messages instead, whose cost grows with how much they hold. On PostgreSQL every query goes one
/// conversation at a time (<see cref="PostgresScanSql"/>), using the pg_trgm index where the planner finds it worth it.
/// Figures in docs/benchmarks.md ("Search").
/// </summary>
internal sealed partial class EfChatStore : ISearchStore
{
    /// <summary>A trigram index finds only strings of three characters or more.</summary>
    public const int IndexedQueryLength = 3;

    public async Task<IReadOnlyList<MessageEntity>> SearchMessagesAsync(
        string userId, string? conversationId, string text, SearchPosition after, int take, CancellationToken cancellationToken)
    {
        IReadOnlyList<Shard> targets = conversationId is null
            ? await index.ShardsOfAsync(userId, cancellationToken)
            : [shards.For(conversationId)];
        var pages = await Task.WhenAll(targets.Select(shard => SearchOnShardAsync(shard, userId, conversationId, text, after, take, cancellationToken)));
        if (pages.Length == 1)
            return pages[0];
        var merged = pages.SelectMany(page => page).ToList();
        merged.Sort((x, y) => SearchPosition.Compare(SearchPosition.Of(x), SearchPosition.Of(y)));
        return merged.Count > take ? merged[..take] : merged;
    }

    private static async Task<List<MessageEntity>> SearchOnShardAsync(
        Shard shard, string userId, string? conversationId, string text, SearchPosition after, int take, CancellationToken cancellationToken)
    {
        await using var db = shard.Create();
        var postgres = db.Database.IsNpgsql();
        var indexed = TextRules.CountRunes(text) >= IndexedQueryLength;
        // {0} the pattern, {1} the user, {2}-{4} the position, {5} the page size, {6} the conversation.
        var pattern = indexed && !postgres ? FtsPhrase(text) : LikePattern(text);
        object[] parameters = [pattern, userId, after.CreatedAt, after.ConversationId, after.Seq, take, conversationId ?? ""];
        if (postgres && conversationId is null)
            return await db.Messages.FromSqlRaw(PostgresScanSql, parameters).AsNoTracking().ToListAsync(cancellationToken);
        var sql = new StringBuilder("SELECT m.* FROM ");
        if (conversationId is not null || indexed)
            sql.Append("\"messages\" AS m WHERE ");
        else
        {
            // Driven by the user's memberships: the primary key reads each conversation's messages.
            sql.Append("\"members\" AS me JOIN \"messages\" AS m ON m.\"ConversationId\" = me.\"ConversationId\" WHERE me.\"UserId\" = {1} AND ");
        }

        if (conversationId is not null)
            sql.Append("m.\"ConversationId\" = {6} AND ");
        else if (indexed)
            sql.Append("EXISTS (SELECT 1 FROM \"members\" AS me WHERE me.\"ConversationId\" = m.\"ConversationId\" AND me.\"UserId\" = {1}) AND ");

        sql.Append(indexed && !postgres
            ? "m.rowid IN (SELECT rowid FROM \"messages_fts\" WHERE \"messages_fts\" MATCH {0}) "
            : postgres ? "m.\"Text\" ILIKE {0} " : "m.\"Text\" LIKE {0} ESCAPE '\\' ");
        sql.Append("""
            AND m."RecalledAt" IS NULL
            AND NOT EXISTS (SELECT 1 FROM "hidden_messages" AS h WHERE h."ConversationId" = m."ConversationId" AND h."UserId" = {1} AND h."Seq" = m."Seq")
            AND (m."CreatedAt", m."ConversationId", m."Seq") < ({2}, {3}, {4})
            ORDER BY m."CreatedAt" DESC, m."ConversationId" DESC, m."Seq" DESC
            LIMIT {5}
            """);
        return await db.Messages.FromSqlRaw(sql.ToString(), parameters).AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Every search over the caller's conversations on PostgreSQL, one conversation at a time: as a plain join the
    /// planner read every partition in full (it cannot prune hash partitions by a joined value; 190 ms at 200,000
    /// messages), while a lateral subquery per membership is pruned to one partition, where the planner picks the
    /// primary key's range or the trigram index. Measured faster than the trigram index over the whole shard for every
    /// kind of query tried (docs/benchmarks.md, "Search").
    /// </summary>
    private const string PostgresScanSql = """
        SELECT m.* FROM "members" AS me CROSS JOIN LATERAL (
            SELECT x.* FROM "messages" AS x
            WHERE x."ConversationId" = me."ConversationId" AND x."Text" ILIKE {0} AND x."RecalledAt" IS NULL
            AND NOT EXISTS (SELECT 1 FROM "hidden_messages" AS h WHERE h."ConversationId" = x."ConversationId" AND h."UserId" = {1} AND h."Seq" = x."Seq")
            AND (x."CreatedAt", x."ConversationId", x."Seq") < ({2}, {3}, {4})
            ORDER BY x."CreatedAt" DESC, x."Seq" DESC
            LIMIT {5}) AS m
        WHERE me."UserId" = {1}
        ORDER BY m."CreatedAt" DESC, m."ConversationId" DESC, m."Seq" DESC
        LIMIT {5}
        """;

    /// <summary>One FTS5 phrase: with the trigram tokenizer, a substring match. Quotes are doubled, so nothing in it is syntax.</summary>
    private static string FtsPhrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>%text%</c> with LIKE's wildcards and the escape character escaped (backslash on both providers).</summary>
    private static string LikePattern(string text)
    {
        var escaped = new StringBuilder(text.Length + 8).Append('%');
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
                escaped.Append('\\');
            escaped.Append(c);
        }

        return escaped.Append('%').ToString();
    }
}
