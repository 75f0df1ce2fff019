using System.Globalization;
using System.Text;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    /// <summary>
    /// Messages whose text contains <paramref name="query"/>, newest first, in the caller's conversations
    /// (<c>GET /search/messages</c>). Matching is by substring, Latin letters without regard to case; Chinese,
    /// Japanese and Korean words are found inside a sentence. Recalled messages and the caller's hidden ones are never
    /// found. Refusals: <c>validation_failed</c> (the query's length, <paramref name="limit"/>, an unknown
    /// <paramref name="cursor"/>), <c>conversation_not_found</c> (<paramref name="conversationId"/> is not one of the
    /// caller's).
    /// </summary>
    /// <param name="query">1–100 characters after trimming.</param>
    /// <param name="conversationId">Only this conversation; null for all of the caller's.</param>
    /// <param name="limit">1–50; null for the server's default of 20.</param>
    /// <param name="cursor">The previous page's <see cref="SearchPage.NextCursor"/>, with the same query and conversation; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<SearchPage> SearchMessagesAsync(string query, string? conversationId = null, int? limit = null, string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = new StringBuilder("search/messages?q=").Append(Uri.EscapeDataString(query));
        if (conversationId is not null)
            path.Append("&conversationId=").Append(Uri.EscapeDataString(conversationId));
        if (limit is { } size)
            path.Append("&limit=").Append(size.ToString(CultureInfo.InvariantCulture));
        if (cursor is not null)
            path.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
        return SendAsync(HttpMethod.Get, path.ToString(), null, ProtocolJsonContext.Wire.SearchPage, cancellationToken);
    }
}
