using TokenIM.Protocol;

namespace TokenIM.Server.Auth;

/// <summary>
/// The one way an access token gets in, on REST and on the socket. A token is routed by its unverified <c>iss</c>:
/// a configured external issuer's goes to <see cref="ExternalTokens"/> (its keys, its audience) and then
/// <see cref="ExternalUsers"/>; everything else takes TokenIM's own path unchanged — the token, then its session — so
/// an unknown issuer gets the same <c>401 invalid_token</c> as before.
/// </summary>
internal sealed class TokenAuthenticator(AccessTokens own, ExternalTokens external, SessionService sessions, ExternalUsers users)
{
    /// <summary>
    /// Authenticates <paramref name="token"/>. With <paramref name="expected"/> (a socket's <c>refresh</c> frame), a
    /// token of another user or session is refused before any session state is touched, and no user is created.
    /// </summary>
    public async Task<Result<AccessTokenClaims>> AuthenticateAsync(string? token, (string UserId, string SessionId)? expected, CancellationToken cancellationToken)
    {
        if (AccessTokens.TryRead(token) is not { } parsed)
            return AccessTokens.Invalid;

        if (external.IsExternal(parsed.Issuer))
        {
            var validated = await external.ValidateAsync(parsed);
            if (!validated.IsSuccess)
                return validated.Error!;
            var user = await users.ResolveAsync(validated.Value!, mayCreate: expected is null, cancellationToken);
            if (!user.IsSuccess)
                return user.Error!;
            var claims = new AccessTokenClaims(user.Value!.Id, AccessTokenClaims.ExternalSessionId, 0, validated.Value!.ExpiresAt);
            return expected is { } socket && (socket.UserId != claims.UserId || socket.SessionId != claims.SessionId) ? s_otherSession : claims;
        }

        var ownToken = await own.ValidateAsync(parsed);
        if (!ownToken.IsSuccess)
            return ownToken;
        var ownClaims = ownToken.Value!;
        if (expected is { } current && (current.UserId != ownClaims.UserId || current.SessionId != ownClaims.SessionId))
            return s_otherSession;
        return await sessions.CheckAsync(ownClaims, cancellationToken) is { } refused ? refused : ownClaims;
    }

    private static readonly Failure s_otherSession = new(ErrorCode.InvalidToken, "The token belongs to another session.");
}
