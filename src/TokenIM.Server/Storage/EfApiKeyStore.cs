using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary><see cref="IApiKeyStore"/> over EF Core; a pooled context per operation, like <see cref="EfAccountStore"/>.</summary>
internal sealed class EfApiKeyStore(Func<TokenImDbContext> createContext) : IApiKeyStore
{
    public async Task AddAsync(ApiKeyEntity key, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<ApiKeyEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKeyEntity>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeAsync(string id, long now, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.RevokedAt, now), cancellationToken);
        return await db.ApiKeys.AnyAsync(k => k.Id == id, cancellationToken);
    }

    public async Task TouchAsync(string id, long now, long minInterval, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        // Conditional in SQL too, so several nodes together still write about once a minute per key.
        var before = now - minInterval;
        await db.ApiKeys.Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt <= before))
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }
}
