using System.Globalization;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

// The operator's part of the server API: signing keys, one user's sessions, finding users, live statistics.
public sealed partial class TokenImServerClient
{
    /// <summary>The keys that sign and verify access tokens, oldest first, without private material (scope <c>signingkeys:manage</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<SigningKeyDto>> ListSigningKeysAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "signing-keys", null, s_json.SigningKeyList, cancellationToken).ConfigureAwait(false)).Keys;

    /// <summary>
    /// Makes a new signing key (scope <c>signingkeys:manage</c>): every node signs with it from then on, and the older
    /// keys stay in the JWKS until the tokens they signed have expired, so nobody is signed out. Returns the keys after
    /// the rotation; the last one is the new current key.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the answer, not the rotation once it reached the server.</param>
    public async Task<IReadOnlyList<SigningKeyDto>> RotateSigningKeyAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, "signing-keys/rotate", null, s_json.SigningKeyList, cancellationToken).ConfigureAwait(false)).Keys;

    /// <summary>The user's active sessions, newest first (scope <c>users:read</c>); <c>user_not_found</c> when there is no such user.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<SessionDto>> ListUserSessionsAsync(string userId, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, $"users/{Segment(userId)}/sessions", null, s_json.SessionList, cancellationToken).ConfigureAwait(false)).Sessions;

    /// <summary>
    /// Ends one session of the user (scope <c>sessions:revoke</c>): its sockets close with 4001 on every node and its
    /// refresh token is refused; <c>session_not_found</c> when it is not the user's or already ended.
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="sessionId">The session id, from <see cref="ListUserSessionsAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RevokeUserSessionAsync(string userId, string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"users/{Segment(userId)}/sessions/{Segment(sessionId)}", null, cancellationToken);

    /// <summary>
    /// One page of users by username (scope <c>users:read</c>): those whose username starts with <paramref name="query"/>,
    /// whose display name contains it or whose external id is it; every user when it is null or empty.
    /// </summary>
    /// <param name="query">What to look for; at most 128 characters.</param>
    /// <param name="limit">Users per page, 1–100; 50 when null.</param>
    /// <param name="cursor">The previous page's <see cref="ServerUserPage.NextCursor"/>; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserPage> FindUsersAsync(string? query = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>(3);
        if (!string.IsNullOrEmpty(query))
            parameters.Add("query=" + Uri.EscapeDataString(query));
        if (limit is { } take)
            parameters.Add("limit=" + take.ToString(CultureInfo.InvariantCulture));
        if (cursor is not null)
            parameters.Add("cursor=" + Uri.EscapeDataString(cursor));
        var path = parameters.Count == 0 ? "users" : "users?" + string.Join('&', parameters);
        return SendAsync(HttpMethod.Get, path, null, s_json.ServerUserPage, cancellationToken);
    }

    /// <summary>Live figures of every node of the cluster and their totals (scope <c>stats:read</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerStatsDto> GetStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "stats", null, s_json.ServerStatsDto, cancellationToken);
}
