using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

/// <summary>
/// The tokens of one signed-in session, as the client holds them. Persist it (it is a plain record; keep it as secret
/// as a password) and give it back to <see cref="TokenImClient.UseTokens"/> to resume without signing in again.
/// </summary>
/// <param name="User">The signed-in user.</param>
/// <param name="SessionId">The session (device) the tokens belong to.</param>
/// <param name="AccessToken">The JWT sent as <c>Authorization: Bearer</c>.</param>
/// <param name="RefreshToken">Single use: the client spends it on the next refresh and keeps the answer.</param>
/// <param name="ExpiresAt">When the access token expires, by the client's clock.</param>
/// <param name="RefreshAfter">When the client refreshes proactively: 80 % of the lifetime by default.</param>
public sealed record TokenSet(
    UserDto User,
    string SessionId,
    string AccessToken,
    string RefreshToken,
    DateTimeOffset ExpiresAt,
    DateTimeOffset RefreshAfter)
{
    /// <summary>The tokens of a register, login or refresh answer received at <paramref name="receivedAt"/>.</summary>
    /// <param name="response">The token response.</param>
    /// <param name="receivedAt">When the answer arrived, by the client's clock (the server's clock is not trusted here).</param>
    /// <param name="refreshRatio">The fraction of <c>expiresIn</c> after which to refresh; the default is 0.8.</param>
    public static TokenSet From(TokenResponse response, DateTimeOffset receivedAt, double refreshRatio = 0.8)
    {
        ArgumentNullException.ThrowIfNull(response);
        var lifetime = TimeSpan.FromSeconds(response.ExpiresIn);
        return new TokenSet(response.User, response.SessionId, response.AccessToken, response.RefreshToken,
            receivedAt + lifetime, receivedAt + (lifetime * refreshRatio));
    }
}

/// <summary>Why a session ended, for <see cref="TokenImClient.SignedOut"/>.</summary>
/// <param name="code">
/// The error code that ended it (<c>invalid_refresh_token</c> or <c>session_revoked</c>), or null when the
/// application signed out itself (<see cref="TokenImClient.LogoutAsync"/> or <see cref="TokenImClient.UseTokens"/> with null).
/// </param>
public sealed class SignedOutEventArgs(string? code) : EventArgs
{
    /// <summary>The error code that ended the session, or null when the application signed out.</summary>
    public string? Code { get; } = code;
}
