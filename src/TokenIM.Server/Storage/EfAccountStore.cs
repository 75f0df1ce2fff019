using Microsoft.EntityFrameworkCore;
using TokenIM.Server.Webhooks;

namespace TokenIM.Server.Storage;

/// <summary>
/// <see cref="IAccountStore"/> over EF Core. A singleton: each operation takes a pooled context of its own, so no
/// request (above all a socket's upgrade request, which lives as long as the socket) holds a context.
/// </summary>
internal sealed class EfAccountStore(Func<TokenImDbContext> createContext, WebhookOutbox outbox) : IAccountStore
{
    public async Task<UserEntity?> FindUserAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
    }

    public async Task<UserEntity?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == username, cancellationToken);
    }

    public async Task<IReadOnlyList<UserEntity>> FindUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UserEntity>> SearchUsersAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        // A range on the unique index instead of LIKE: usernames are [a-z0-9._-], all below '{'.
        var upper = prefix + "{";
        return await db.Users.AsNoTracking()
            .Where(u => string.Compare(u.Username, prefix) >= 0 && string.Compare(u.Username, upper) < 0)
            .OrderBy(u => u.Username)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UserEntity>> FindUsersPageAsync(string? query, string? afterUsername, int limit, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrEmpty(query))
        {
            var lower = query.ToLowerInvariant();
            var upper = lower + "{";
            // The username part is a range on its index (as in SearchUsersAsync); the display-name part scans, which
            // is what an admin's search may cost (the user search of the end-user API stays index-only).
            // lower() and instr/strpos in SQL: the StringComparison overload CA1862 asks for does not translate.
#pragma warning disable CA1862
            users = users.Where(u => (string.Compare(u.Username, lower) >= 0 && string.Compare(u.Username, upper) < 0)
                || u.ExternalId == query
                || u.DisplayName.ToLower().Contains(lower));
#pragma warning restore CA1862
        }

        if (afterUsername is not null)
            users = users.Where(u => string.Compare(u.Username, afterUsername) > 0);
        return await users.OrderBy(u => u.Username).Take(limit).ToListAsync(cancellationToken);
    }

    public async Task<bool> TryCreateUserAsync(UserEntity user, SessionEntity session, RefreshTokenEntity refreshToken, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        db.Users.Add(user);
        db.Sessions.Add(session);
        db.RefreshTokens.Add(refreshToken);
        return await TrySaveUniqueAsync(db, AnnounceCreated(db, user), cancellationToken);
    }

    public async Task UpdateUserAsync(string userId, string? passwordHash, string? displayName, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set
            .SetProperty(u => u.PasswordHash, u => passwordHash ?? u.PasswordHash)
            .SetProperty(u => u.DisplayName, u => displayName ?? u.DisplayName), cancellationToken);
    }

    public async Task<UserEntity?> FindUserByExternalIdAsync(string externalId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.ExternalId == externalId, cancellationToken);
    }

    public async Task<bool> TryAddUserAsync(UserEntity user, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        db.Users.Add(user);
        return await TrySaveUniqueAsync(db, AnnounceCreated(db, user), cancellationToken);
    }

    /// <summary>Adds the <c>user.created</c> outbox row to the user's own save, when an endpoint wants it.</summary>
    private bool AnnounceCreated(TokenImDbContext db, UserEntity user)
    {
        if (outbox.UserCreated(user) is not { } created)
            return false;
        db.WebhookEvents.Add(created);
        return true;
    }

    /// <summary>Saves what was added; false, with nothing written, when a unique key (username, external id) is taken.</summary>
    private async Task<bool> TrySaveUniqueAsync(TokenImDbContext db, bool announced, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (announced)
                outbox.NotifyWritten(StorageServiceCollectionExtensions.DirectoryIndex);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public async Task<bool> TrySetExternalIdAsync(string userId, string? externalId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        try
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.ExternalId, externalId), cancellationToken);
            return true;
        }
        catch (Exception e) when (DbErrors.IsUniqueViolationError(e))
        {
            return false;
        }
    }

    public async Task<bool> SetDisabledAsync(string userId, long? disabledAt, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var users = db.Users.Where(u => u.Id == userId);
        var updated = disabledAt is null
            ? await users.ExecuteUpdateAsync(set => set.SetProperty(u => u.DisabledAt, (long?)null), cancellationToken)
            : await users.ExecuteUpdateAsync(set => set.SetProperty(u => u.DisabledAt, u => u.DisabledAt ?? disabledAt), cancellationToken);
        return updated > 0;
    }

    public async Task<bool> SetAdminAsync(string userId, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsAdmin, isAdmin), cancellationToken) > 0;
    }

    public async Task<bool> SetTokensValidAfterAsync(string userId, long unixSeconds, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(
            u => u.TokensValidAfter, u => u.TokensValidAfter == null || u.TokensValidAfter < unixSeconds ? unixSeconds : u.TokensValidAfter), cancellationToken) > 0;
    }

    public async Task CreateSessionAsync(SessionEntity session, RefreshTokenEntity refreshToken, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        db.Sessions.Add(session);
        db.RefreshTokens.Add(refreshToken);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<SessionEntity?> FindSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
    }

    public async Task<(RefreshTokenEntity Token, SessionEntity Session)?> FindRefreshTokenAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var row = await db.RefreshTokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Join(db.Sessions.AsNoTracking(), t => t.SessionId, s => s.Id, (t, s) => new { Token = t, Session = s })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (row.Token, row.Session);
    }

    public async Task<bool> TryUpdateSessionAsync(SessionEntity session, int expectedVersion, RefreshTokenEntity? spent, RefreshTokenEntity? added, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Sessions
            .Where(s => s.Id == session.Id && s.Version == expectedVersion)
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Version, session.Version)
                .SetProperty(s => s.Generation, session.Generation)
                .SetProperty(s => s.ParentGeneration, session.ParentGeneration)
                .SetProperty(s => s.CurrentUsed, session.CurrentUsed)
                .SetProperty(s => s.LastUsedAt, session.LastUsedAt)
                .SetProperty(s => s.Address, session.Address)
                .SetProperty(s => s.RevokedAt, session.RevokedAt), cancellationToken);
        if (updated == 0)
            return false;
        if (spent is not null)
        {
            await db.RefreshTokens.Where(t => t.Hash == spent.Hash)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.SpentAt, spent.SpentAt), cancellationToken);
        }

        if (added is not null)
        {
            db.RefreshTokens.Add(added);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task MarkGenerationUsedAsync(string sessionId, int generation, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await db.Sessions.Where(s => s.Id == sessionId && s.Generation == generation && !s.CurrentUsed)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.CurrentUsed, true).SetProperty(s => s.Version, s => s.Version + 1), cancellationToken);
    }

    public async Task<IReadOnlyList<SessionEntity>> ListActiveSessionsAsync(string userId, long now, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeSessionAsync(string userId, string sessionId, long now, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.Version, s => s.Version + 1), cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<string>> RevokeAllSessionsAsync(string userId, string? exceptSessionId, long now, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var query = db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != exceptSessionId);
        var ids = await query.Select(s => s.Id).ToListAsync(cancellationToken);
        await query.ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.Version, s => s.Version + 1), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }
}
