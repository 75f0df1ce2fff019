using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>
/// <see cref="IBlockStore"/> and <see cref="IUsernameDirectory"/> over EF Core, on the directory database (where the
/// users are, like <see cref="EfAccountStore"/>). A singleton: each operation takes a pooled context of its own.
/// </summary>
internal sealed class EfSocialDirectory(Func<TokenImDbContext> createContext) : IBlockStore, IUsernameDirectory
{
    public async Task<bool> AddBlockAsync(string userId, string blockedUserId, long now, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        // ON CONFLICT: two devices blocking at once both succeed, and the first time stays.
        var added = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "blocks" ("UserId", "BlockedUserId", "CreatedAt") VALUES ({userId}, {blockedUserId}, {now}) ON CONFLICT DO NOTHING""",
            cancellationToken);
        return added > 0;
    }

    public async Task<bool> RemoveBlockAsync(string userId, string blockedUserId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Blocks.Where(b => b.UserId == userId && b.BlockedUserId == blockedUserId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<UserEntity>> ListBlockedUsersAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await (
            from b in db.Blocks.AsNoTracking()
            where b.UserId == userId
            join u in db.Users.AsNoTracking() on b.BlockedUserId equals u.Id
            orderby b.CreatedAt descending, b.BlockedUserId
            select u).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> BlockedIdsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.Blocks.AsNoTracking().Where(b => b.UserId == userId).Select(b => b.BlockedUserId).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<(string Id, string Username)>> FindIdsByUsernamesAsync(IReadOnlyCollection<string> usernames, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var rows = await db.Users.AsNoTracking()
            .Where(u => usernames.Contains(u.Username))
            .Select(u => new { u.Id, u.Username })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Id, r.Username))];
    }
}
