namespace TokenIM.Server.Storage;

/// <summary>
/// The store contract for accounts, sessions and refresh tokens. In scale-out these live on the directory shard;
/// every implementation must make <see cref="TryUpdateSessionAsync"/> atomic and conditional on the version.
/// </summary>
internal interface IAccountStore
{
    Task<UserEntity?> FindUserAsync(string userId, CancellationToken cancellationToken);

    Task<UserEntity?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserEntity>> FindUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>Users whose username starts with <paramref name="prefix"/>, by username.</summary>
    Task<IReadOnlyList<UserEntity>> SearchUsersAsync(string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>Creates the user with its first session and refresh token in one transaction; false when the username is taken.</summary>
    Task<bool> TryCreateUserAsync(UserEntity user, SessionEntity session, RefreshTokenEntity refreshToken, CancellationToken cancellationToken);

    Task UpdateUserAsync(string userId, string? passwordHash, string? displayName, CancellationToken cancellationToken);

    Task<UserEntity?> FindUserByExternalIdAsync(string externalId, CancellationToken cancellationToken);

    /// <summary>Creates a user without a session (server API); false when the username or external id is taken.</summary>
    Task<bool> TryAddUserAsync(UserEntity user, CancellationToken cancellationToken);

    /// <summary>Sets or (with null) clears the external id; false when another user has it.</summary>
    Task<bool> TrySetExternalIdAsync(string userId, string? externalId, CancellationToken cancellationToken);

    /// <summary>Sets <see cref="UserEntity.DisabledAt"/> (null enables); a disabled user keeps the first time. False when there is no such user.</summary>
    Task<bool> SetDisabledAsync(string userId, long? disabledAt, CancellationToken cancellationToken);

    /// <summary>Sets or clears <see cref="UserEntity.IsAdmin"/>. False when there is no such user.</summary>
    Task<bool> SetAdminAsync(string userId, bool isAdmin, CancellationToken cancellationToken);

    /// <summary>Sets <see cref="UserEntity.TokensValidAfter"/>, never back in time. False when there is no such user.</summary>
    Task<bool> SetTokensValidAfterAsync(string userId, long unixSeconds, CancellationToken cancellationToken);

    Task CreateSessionAsync(SessionEntity session, RefreshTokenEntity refreshToken, CancellationToken cancellationToken);

    Task<SessionEntity?> FindSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The refresh token with that hash and its session, or null.</summary>
    Task<(RefreshTokenEntity Token, SessionEntity Session)?> FindRefreshTokenAsync(byte[] hash, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="session"/> if its stored version is still <paramref name="expectedVersion"/> (the
    /// session's <see cref="SessionEntity.Version"/> must already be incremented), marks <paramref name="spent"/>
    /// spent and adds <paramref name="added"/>, all in one transaction. False when another writer won the race.
    /// </summary>
    Task<bool> TryUpdateSessionAsync(SessionEntity session, int expectedVersion, RefreshTokenEntity? spent, RefreshTokenEntity? added, CancellationToken cancellationToken);

    /// <summary>Marks the newest pair used, if the session is still at <paramref name="generation"/>.</summary>
    Task MarkGenerationUsedAsync(string sessionId, int generation, CancellationToken cancellationToken);

    /// <summary>Active sessions (not revoked, not past <paramref name="now"/>), newest first.</summary>
    Task<IReadOnlyList<SessionEntity>> ListActiveSessionsAsync(string userId, long now, CancellationToken cancellationToken);

    /// <summary>Revokes one session of the user; false when it is not theirs or already ended.</summary>
    Task<bool> RevokeSessionAsync(string userId, string sessionId, long now, CancellationToken cancellationToken);

    /// <summary>Revokes every session of the user except <paramref name="exceptSessionId"/>; returns the revoked ids.</summary>
    Task<IReadOnlyList<string>> RevokeAllSessionsAsync(string userId, string? exceptSessionId, long now, CancellationToken cancellationToken);

    /// <summary>
    /// One page of users by username, after <paramref name="afterUsername"/>: all of them, or with a
    /// <paramref name="query"/> those whose username starts with it, whose display name contains it (ignoring case)
    /// or whose external id is it.
    /// </summary>
    Task<IReadOnlyList<UserEntity>> FindUsersPageAsync(string? query, string? afterUsername, int limit, CancellationToken cancellationToken);
}
