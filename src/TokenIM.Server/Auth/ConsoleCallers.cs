using TokenIM.Protocol;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>
/// The admin console's way into the server API: a TokenIM access token (not an API key) of a user whose
/// <c>IsAdmin</c> is set gets <see cref="ServerScopes.Console"/>; any other user's valid token gets no scope (so
/// <c>403 insufficient_scope</c>). The user row is read on every request, never cached, so a demotion or a disable
/// takes effect on the next request on every node. External issuers' tokens are refused (401): the server API is
/// for TokenIM's own sessions, which a sign-out everywhere can end.
/// </summary>
internal sealed partial class ConsoleCallers(TokenAuthenticator tokens, ExternalTokens external, IAccountStore accounts, ILogger<ConsoleCallers> logger)
{
    /// <summary>The caller id a console request is limited and audited by (an API key's is its key id).</summary>
    public static string CallerIdOf(string userId) => $"user:{userId}";

    /// <summary>The user and their scopes (empty for a non-admin), or a failure for a token that is not a live TokenIM session.</summary>
    public async Task<Result<(string UserId, IReadOnlyList<string> Scopes)>> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (AccessTokens.TryRead(token) is not { } parsed || external.IsExternal(parsed.Issuer))
            return s_notOwn;
        var claims = await tokens.AuthenticateAsync(token, expected: null, cancellationToken);
        if (!claims.IsSuccess)
            return claims.Error!;
        var user = await accounts.FindUserAsync(claims.Value!.UserId, cancellationToken);
        if (user is { IsAdmin: true, DisabledAt: null })
            return (user.Id, ServerScopes.Console);
        LogNotAdmin(logger, claims.Value.UserId);
        return (claims.Value.UserId, (IReadOnlyList<string>)[]);
    }

    private static readonly Failure s_notOwn = new(ErrorCode.InvalidApiKey, "Neither an API key nor a TokenIM access token.");

    [LoggerMessage(EventId = 1470, Level = LogLevel.Warning, Message = "User {UserId} called the server API without the admin role")]
    private static partial void LogNotAdmin(ILogger logger, string userId);
}
