namespace TokenIM.Server.Auth;

/// <summary>
/// What a server API key may do. A fixed list with no wildcard: a key names each scope it needs, so a leaked key
/// can do no more than its list.
/// </summary>
internal static class ServerScopes
{
    public const string UsersRead = "users:read";
    public const string UsersWrite = "users:write";
    public const string TokensMint = "tokens:mint";
    public const string SessionsRevoke = "sessions:revoke";
    public const string ConversationsRead = "conversations:read";
    public const string ConversationsWrite = "conversations:write";
    public const string MessagesWrite = "messages:write";
    public const string ApiKeysManage = "apikeys:manage";
    public const string WebhooksManage = "webhooks:manage";
    public const string SigningKeysManage = "signingkeys:manage";
    public const string StatsRead = "stats:read";

    /// <summary>Every scope, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [
            UsersRead, UsersWrite, TokensMint, SessionsRevoke, ConversationsRead, ConversationsWrite, MessagesWrite, ApiKeysManage,
            WebhooksManage, SigningKeysManage, StatsRead,
        ];

    /// <summary>
    /// What an admin's own access token may do on the server API (the admin console): manage users, sessions, keys
    /// and webhooks and read conversations and figures. Not <see cref="TokensMint"/>, <see cref="MessagesWrite"/> or
    /// <see cref="ConversationsWrite"/>: an admin manages the server, and does not act as another user (docs/security.md).
    /// Nor <see cref="SigningKeysManage"/>: rotating keys stays with the operator's keys and the local socket.
    /// </summary>
    public static IReadOnlyList<string> Console { get; } =
        [UsersRead, UsersWrite, SessionsRevoke, ConversationsRead, ApiKeysManage, WebhooksManage, StatsRead];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}

/// <summary>The scope a server API route needs: endpoint metadata, read to name it in a 403 (and by the tests, which check every route has exactly one).</summary>
internal sealed record RequiredScope(string Scope);
