namespace TokenIM.Protocol.Rest;

/// <summary>Body of <c>POST /api/v1/auth/register</c>.</summary>
/// <param name="Username">3–32 characters of <c>[a-z0-9._-]</c>; upper-case letters are accepted and stored in lower case.</param>
/// <param name="Password">8–128 characters, not on the common-password list.</param>
/// <param name="DisplayName">Up to 64 characters; defaults to the username.</param>
/// <param name="DeviceName">Names the session this registration signs in (up to 64 characters).</param>
/// <param name="RefreshTokenCookie">Browsers: true to receive the refresh token only as an HttpOnly cookie (the body's <c>refreshToken</c> is then empty).</param>
public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName = null, string? DeviceName = null, bool? RefreshTokenCookie = null);

/// <summary>Body of <c>POST /api/v1/auth/login</c>.</summary>
/// <param name="Username">The username, in any case.</param>
/// <param name="Password">The password.</param>
/// <param name="DeviceName">Names the new session in the session list (up to 64 characters).</param>
/// <param name="RefreshTokenCookie">Browsers: true to receive the refresh token only as an HttpOnly cookie (the body's <c>refreshToken</c> is then empty).</param>
public sealed record LoginRequest(string? Username, string? Password, string? DeviceName = null, bool? RefreshTokenCookie = null);

/// <summary>Body of <c>POST /api/v1/auth/refresh</c>.</summary>
/// <param name="RefreshToken">The refresh token from the last token response; absent in cookie mode (the <c>tokenim_refresh</c> cookie is used).</param>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Body of <c>POST /api/v1/auth/password</c>: changes the password and ends every other session.</summary>
/// <param name="CurrentPassword">The password in use now.</param>
/// <param name="NewPassword">The new password, under the same rules as at registration.</param>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>Answer to register, login and refresh.</summary>
/// <param name="User">The signed-in user.</param>
/// <param name="AccessToken">A JWT (ES256, <c>typ: at+jwt</c>) for the <c>Authorization: Bearer</c> header.</param>
/// <param name="RefreshToken">Opaque; single use. Keep it secret and send it to <c>/auth/refresh</c> before the access token expires.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="SessionId">The session (device) these tokens belong to.</param>
public sealed record TokenResponse(UserDto User, string AccessToken, string RefreshToken, int ExpiresIn, string SessionId);

/// <summary>One sign-in (device) of the caller.</summary>
/// <param name="Id">Session id.</param>
/// <param name="DeviceName">The name given at sign-in, or a default.</param>
/// <param name="CreatedAt">When the session was signed in.</param>
/// <param name="LastUsedAt">When its tokens were last refreshed or it signed in.</param>
/// <param name="Current">True for the session of the token making the request.</param>
/// <param name="Address">The client address seen at the last sign-in or refresh.</param>
public sealed record SessionDto(string Id, string DeviceName, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, bool Current, string? Address);

/// <summary>Answer to <c>GET /api/v1/auth/sessions</c>, newest first.</summary>
/// <param name="Sessions">The caller's active sessions.</param>
public sealed record SessionList(IReadOnlyList<SessionDto> Sessions);
