using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    /// <summary>
    /// Creates an account and signs in (<c>POST /auth/register</c>); the client then holds its tokens and raises
    /// <see cref="TokensChanged"/>. Refusals: <c>validation_failed</c> (show <see cref="TokenImApiException.Errors"/>),
    /// <c>username_taken</c>, <c>rate_limited</c>.
    /// </summary>
    /// <param name="username">3–32 characters of <c>[a-z0-9._-]</c> (upper case is stored lower-cased).</param>
    /// <param name="password">8–128 characters, not a common password, not the username.</param>
    /// <param name="displayName">The shown name; null for the username.</param>
    /// <param name="deviceName">Names this session in the session list; null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<TokenSet> RegisterAsync(string username, string password, string? displayName = null, string? deviceName = null,
        CancellationToken cancellationToken = default)
    {
        var body = new RegisterRequest(username, password, displayName, deviceName);
        var answer = await SendAnonymousAsync(HttpMethod.Post, "auth/register", Json(body, ProtocolJsonContext.Wire.RegisterRequest),
            ProtocolJsonContext.Wire.TokenResponse, cancellationToken).ConfigureAwait(false);
        return SignedIn(answer);
    }

    /// <summary>
    /// Signs in, starting a new session (<c>POST /auth/login</c>); replaces any tokens the client held (that other
    /// session stays alive on the server). Refusals: <c>invalid_credentials</c>, <c>rate_limited</c>.
    /// </summary>
    /// <param name="username">The username, in any case.</param>
    /// <param name="password">The password.</param>
    /// <param name="deviceName">Names this session in the session list; null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<TokenSet> LoginAsync(string username, string password, string? deviceName = null, CancellationToken cancellationToken = default)
    {
        var body = new LoginRequest(username, password, deviceName);
        var answer = await SendAnonymousAsync(HttpMethod.Post, "auth/login", Json(body, ProtocolJsonContext.Wire.LoginRequest),
            ProtocolJsonContext.Wire.TokenResponse, cancellationToken).ConfigureAwait(false);
        return SignedIn(answer);
    }

    /// <summary>
    /// Ends this session on the server (<c>POST /auth/logout</c>), which also closes its sockets, then discards the
    /// tokens and raises <see cref="SignedOut"/> with a null code. The tokens are discarded even when the server cannot
    /// be reached (such a session ends by itself after 7 days without a refresh).
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        var tokens = Tokens ?? throw NotSignedIn();
        try
        {
            await SendAsync(HttpMethod.Post, "auth/logout", null, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenImApiException error) when (error.Status == 401)
        {
            // The session had already ended: signing out is done either way.
        }
        finally
        {
            EndSession(tokens, code: null);
        }
    }

    /// <summary>
    /// Changes the password (<c>POST /auth/password</c>); every other session of the user ends, this one continues.
    /// Refusals: <c>validation_failed</c> (a wrong current password is reported on <c>currentPassword</c>), <c>rate_limited</c>.
    /// </summary>
    /// <param name="currentPassword">The password in use now.</param>
    /// <param name="newPassword">The new password, under the registration rules.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "auth/password",
            Json(new ChangePasswordRequest(currentPassword, newPassword), ProtocolJsonContext.Wire.ChangePasswordRequest), cancellationToken);

    /// <summary>The user's active sessions (devices), newest first (<c>GET /auth/sessions</c>); <c>current</c> marks this one.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<SessionDto>> GetSessionsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "auth/sessions", null, ProtocolJsonContext.Wire.SessionList, cancellationToken)
            .ConfigureAwait(false)).Sessions;

    /// <summary>
    /// Ends one of the user's sessions (<c>DELETE /auth/sessions/{id}</c>); its sockets close within a second. Revoking
    /// this client's own session signs it out (<see cref="SignedOut"/>). Refusal: <c>session_not_found</c>.
    /// </summary>
    /// <param name="sessionId">The session to end.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task RevokeSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var tokens = Tokens ?? throw NotSignedIn();
        await SendAsync(HttpMethod.Delete, $"auth/sessions/{Segment(sessionId)}", null, cancellationToken).ConfigureAwait(false);
        if (tokens.SessionId == sessionId)
            EndSession(tokens, code: null);
    }

    /// <summary>The signed-in user (<c>GET /users/me</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<UserDto> GetMeAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "users/me", null, ProtocolJsonContext.Wire.UserDto, cancellationToken);

    /// <summary>Changes the signed-in user's display name (<c>PATCH /users/me</c>). Refusal: <c>validation_failed</c>.</summary>
    /// <param name="displayName">1–64 characters without control characters.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<UserDto> UpdateMeAsync(string displayName, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, "users/me", Json(new UpdateProfileRequest(displayName), ProtocolJsonContext.Wire.UpdateProfileRequest),
            ProtocolJsonContext.Wire.UserDto, cancellationToken);

    /// <summary>A user by id (<c>GET /users/{id}</c>). Refusal: <c>user_not_found</c>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<UserDto> GetUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"users/{Segment(userId)}", null, ProtocolJsonContext.Wire.UserDto, cancellationToken);

    /// <summary>
    /// Users whose username starts with <paramref name="query"/>, by username (<c>GET /users?query=</c>).
    /// Refusal: <c>validation_failed</c> (the query is 1–32 of <c>[A-Za-z0-9._-]</c>).
    /// </summary>
    /// <param name="query">The username prefix, in any case.</param>
    /// <param name="limit">1–50; null for the server's default of 20.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<UserDto>> SearchUsersAsync(string query, int? limit = null, CancellationToken cancellationToken = default)
    {
        var path = $"users?query={Uri.EscapeDataString(query)}" + (limit is { } n ? $"&limit={n}" : "");
        return (await SendAsync(HttpMethod.Get, path, null, ProtocolJsonContext.Wire.UserList, cancellationToken).ConfigureAwait(false)).Users;
    }
}
