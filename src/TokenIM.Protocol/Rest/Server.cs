namespace TokenIM.Protocol.Rest;

// The server API (/api/v1/server/…): called by an app's backend with an API key, never by end users.

/// <summary>Body of <c>POST /api/v1/server/users</c>.</summary>
/// <param name="Username">3–32 characters of letters, digits, <c>.</c>, <c>_</c> and <c>-</c>; unique without regard to case.</param>
/// <param name="DisplayName">1–64 characters; the username when absent.</param>
/// <param name="ExternalId">The app's own id of the user, 1–128 printable characters; unique. Optional.</param>
/// <param name="Password">Optional: without one the user cannot sign in and only gets tokens minted by the server API.</param>
/// <param name="IsBot">True for a bot: it never has a password (so never signs in), sends through the server API, and may still get minted tokens to hold a socket. The default is false.</param>
public sealed record ServerCreateUserRequest(string? Username, string? DisplayName, string? ExternalId = null, string? Password = null, bool? IsBot = null);

/// <summary>Body of <c>PATCH /api/v1/server/users/{id}</c>: only the fields present change.</summary>
/// <param name="DisplayName">The new display name, 1–64 characters.</param>
/// <param name="ExternalId">The new external id; an empty string removes it.</param>
public sealed record ServerUpdateUserRequest(string? DisplayName = null, string? ExternalId = null);

/// <summary>A user as the server API sees it.</summary>
/// <param name="Id">Opaque user id.</param>
/// <param name="Username">Unique, lower case.</param>
/// <param name="DisplayName">Shown name.</param>
/// <param name="ExternalId">The app's own id of the user, when set.</param>
/// <param name="Disabled">Whether the user is disabled: no sign-in, refresh or minted token.</param>
/// <param name="IsBot">Whether the user is a bot (created with <c>isBot: true</c>; fixed for the user's life).</param>
/// <param name="CreatedAt">When the user was created.</param>
/// <param name="DisabledAt">When the user was disabled, while disabled.</param>
/// <param name="IsAdmin">Whether the user has the admin role: their own access token opens the server API with the
/// console's scopes (docs/security.md). Set with <c>PUT /api/v1/server/users/{id}/admin</c>.</param>
public sealed record ServerUserDto(
    string Id,
    string Username,
    string DisplayName,
    string? ExternalId,
    bool Disabled,
    bool IsBot,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt,
    bool IsAdmin = false);

/// <summary>Body of <c>POST /api/v1/server/users/{id}/tokens</c>.</summary>
/// <param name="DeviceName">Names the session in the user's device list, 1–64 characters; <c>server api</c> when absent.</param>
public sealed record MintTokenRequest(string? DeviceName = null);

/// <summary>Body of <c>POST /api/v1/server/api-keys</c>.</summary>
/// <param name="Name">What the key is for, 1–64 characters.</param>
/// <param name="Scopes">At least one scope from the documented list; no wildcard.</param>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes);

/// <summary>An API key, without its secret.</summary>
/// <param name="Id">The key id: the part of the token after <c>tim_</c>.</param>
/// <param name="Name">What the key is for.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastUsedAt">When it last authenticated a request (written at most once a minute).</param>
/// <param name="RevokedAt">When it was revoked; a revoked key is refused.</param>
public sealed record ApiKeyDto(
    string Id,
    string Name,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);

/// <summary>Answer to <c>POST /api/v1/server/api-keys</c>: the key and its token, shown this once.</summary>
/// <param name="Key">The key.</param>
/// <param name="Token">Send it as <c>Authorization: Bearer …</c>. Only its hash is stored: it cannot be shown again.</param>
public sealed record CreatedApiKey(ApiKeyDto Key, string Token);

/// <summary>Answer to <c>GET /api/v1/server/api-keys</c>: every key, revoked ones too, oldest first.</summary>
/// <param name="Keys">The keys.</param>
public sealed record ApiKeyList(IReadOnlyList<ApiKeyDto> Keys);

/// <summary>A conversation as the server API shows it: every member with their role, no caller's view.</summary>
/// <param name="Id">Opaque conversation id.</param>
/// <param name="Type"><c>direct</c> or <c>group</c>.</param>
/// <param name="Title">The group title; absent for direct conversations.</param>
/// <param name="Members">Every member, with role, join time and read marker.</param>
/// <param name="LastSeq">The seq of the newest message, 0 when there is none.</param>
/// <param name="CreatedAt">When the conversation was created.</param>
/// <param name="UpdatedAt">When the conversation last had activity.</param>
public sealed record ServerConversationDto(
    string Id,
    string Type,
    string? Title,
    IReadOnlyList<MemberDto> Members,
    long LastSeq,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
