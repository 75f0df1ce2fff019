using System.Globalization;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

// The server API's routes for the admin console: the admin role, and finding conversations.
public sealed partial class TokenImServerClient
{
    /// <summary>
    /// Gives or takes the admin role (scope <c>users:write</c>): an admin's own access token opens the server API with
    /// the console's scopes, from the user's next request on; <c>user_not_found</c> when there is no such user.
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="admin">True to make the user an admin, false to take the role away.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user after the change.</returns>
    public Task<ServerUserDto> SetAdminAsync(string userId, bool admin, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"users/{Segment(userId)}/admin", Json(new SetAdminRequest(admin), s_json.SetAdminRequest), s_json.ServerUserDto, cancellationToken);

    /// <summary>
    /// Conversations whose id is <paramref name="query"/> or whose title contains it (any case), newest activity
    /// first (scope <c>conversations:read</c>); the most recently active ones when it is null or empty.
    /// </summary>
    /// <param name="query">What to look for; at most 128 characters.</param>
    /// <param name="limit">At most this many, 1–100; 50 when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<ServerConversationSummaryDto>> FindConversationsAsync(string? query = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>(2);
        if (!string.IsNullOrEmpty(query))
            parameters.Add("query=" + Uri.EscapeDataString(query));
        if (limit is { } take)
            parameters.Add("limit=" + take.ToString(CultureInfo.InvariantCulture));
        var path = parameters.Count == 0 ? "conversations" : "conversations?" + string.Join('&', parameters);
        return (await SendAsync(HttpMethod.Get, path, null, s_json.ServerConversationList, cancellationToken).ConfigureAwait(false)).Conversations;
    }
}
