using System.Buffers.Text;
using System.Text;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>
/// The server API's read side of users for an operator: finding users page by page, and one user's sessions, which an
/// operator may end one by one (through <see cref="SessionService"/>'s revocation, so it reaches every node).
/// </summary>
internal sealed class ServerUserDirectory(IAccountStore store, SessionService sessions)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Users matching <paramref name="query"/> (all when empty), by username. The cursor is the last username of the
    /// previous page, base64url-encoded so callers treat it as opaque.
    /// </summary>
    public async Task<Result<ServerUserPage>> FindAsync(string? query, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        query = FindRules.Check(query, limit, errors);
        var after = DecodeCursor(cursor);
        if (cursor is not null && after is null)
            errors["cursor"] = ["The cursor is not one this server gave out."];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var take = limit ?? FindRules.DefaultLimit;
        // One more than asked: whether it comes back says whether there is a next page.
        var users = await store.FindUsersPageAsync(query, after, take + 1, cancellationToken);
        var page = users.Take(take).Select(ServerUserService.ToDto).ToList();
        return new ServerUserPage(page, users.Count > take ? EncodeCursor(page[^1].Username) : null);
    }

    /// <summary>The user's active sessions, newest first: what the user sees in their own device list.</summary>
    public async Task<Result<SessionList>> SessionsAsync(string userId, CancellationToken cancellationToken)
    {
        if (await store.FindUserAsync(userId, cancellationToken) is null)
            return ServerUserService.NotFound;
        return new SessionList(await sessions.ListAsync(userId, currentSessionId: string.Empty, cancellationToken));
    }

    /// <summary>Ends one session of the user: its sockets close with 4001 on every node and its refresh token is refused.</summary>
    public async Task<Outcome> RevokeSessionAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        if (await store.FindUserAsync(userId, cancellationToken) is null)
            return ServerUserService.NotFound;
        return await sessions.RevokeAsync(userId, sessionId, cancellationToken);
    }

    private static string EncodeCursor(string username) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(username));

    private static string? DecodeCursor(string? cursor)
    {
        if (cursor is not { Length: > 0 and <= 128 } || !Base64Url.IsValid(cursor))
            return null;
        try
        {
            var username = s_strictUtf8.GetString(Base64Url.DecodeFromChars(cursor));
            return username.Length is > 0 and <= 64 && !TextRules.HasControlCharacters(username, allowNewlines: false) ? username : null;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
