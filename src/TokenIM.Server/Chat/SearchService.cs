using System.Buffers.Text;
using System.Globalization;
using System.Text;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// <c>GET /search/messages</c>: the rules (membership, the query's length, the page size, the cursor) over
/// <see cref="ISearchStore"/>, and the rows turned into messages through <see cref="MessageViews"/> like any read.
/// </summary>
internal sealed class SearchService(ISearchStore search, IChatStore store, MessageViews views)
{
    public const int MaxQueryLength = 100;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    /// <summary>
    /// A page of the caller's messages containing <paramref name="query"/>, newest first. A conversation the caller
    /// is not in is <c>conversation_not_found</c>, checked before the other parameters.
    /// </summary>
    public async Task<Result<SearchPage>> SearchAsync(
        string userId, string? query, string? conversationId, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (conversationId is not null
            && (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId)))
            return ChatFailures.ConversationNotFound;

        var text = query?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (TextRules.CountRunes(text) is < 1 or > MaxQueryLength || TextRules.HasControlCharacters(text, allowNewlines: false))
            errors["q"] = [$"q is 1 to {MaxQueryLength} characters after trimming, without control characters."];
        if (limit is < 1 or > MaxLimit)
            errors["limit"] = [$"limit is 1 to {MaxLimit}."];
        var after = SearchPosition.Start;
        if (cursor is not null && !TryDecodeCursor(cursor, out after))
            errors["cursor"] = ["cursor is not one this server gave; start again without it."];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var take = limit ?? DefaultLimit;
        // One row more than the page tells whether another page follows, without a count.
        var rows = await search.SearchMessagesAsync(userId, conversationId, text, after, take + 1, cancellationToken);
        var page = rows.Count > take ? rows.Take(take).ToList() : [.. rows];
        var messages = await ToDtosAsync(userId, page, cancellationToken);
        return new SearchPage(messages, rows.Count > take ? EncodeCursor(SearchPosition.Of(page[^1])) : null);
    }

    /// <summary>Through the views one conversation at a time (each part reads per conversation), back in search order.</summary>
    private async Task<MessageDto[]> ToDtosAsync(string userId, List<MessageEntity> page, CancellationToken cancellationToken)
    {
        var dtos = new MessageDto[page.Count];
        foreach (var group in page.Select((row, i) => (row, i)).GroupBy(x => x.row.ConversationId, StringComparer.Ordinal))
        {
            var rows = group.Select(x => x.row).ToList();
            var viewed = await views.ToDtosAsync(userId, group.Key, rows, cancellationToken);
            var k = 0;
            foreach (var (_, i) in group)
                dtos[i] = viewed[k++];
        }

        return dtos;
    }

    // Opaque to clients: base64url of "createdAt.seq.conversationId". It reveals nothing the page did not show.
    private static string EncodeCursor(SearchPosition position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{position.CreatedAt}.{position.Seq}.{position.ConversationId}")));

    private static bool TryDecodeCursor(string cursor, out SearchPosition position)
    {
        position = SearchPosition.Start;
        if (cursor.Length is 0 or > 200 || !Base64Url.IsValid(cursor))
            return false;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('.', 3);
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || parts[2].Length == 0)
            return false;
        position = new SearchPosition(createdAt, parts[2], seq);
        return true;
    }
}
