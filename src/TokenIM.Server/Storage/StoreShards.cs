using System.IO.Hashing;
using System.Text;

namespace TokenIM.Server.Storage;

/// <summary>
/// The databases of the store: the directory (accounts, sessions, refresh tokens) and the conversation shards. A
/// conversation — its row, members, read markers and messages — lives on the shard its id hashes to; a user's
/// conversation index lives on the shard their user id hashes to (their home shard). On SQLite there is one
/// database, which is both the directory and the only shard.
/// </summary>
/// <remarks>
/// A key hashes (xxHash32 of its UTF-8 bytes, stable across processes and versions) to one of
/// <see cref="VirtualShards"/> slots, and slots map to shards in equal contiguous ranges. Moving data later means
/// moving whole slots: the slot → shard table becomes configuration (see docs/operations.md).
/// </remarks>
internal sealed class StoreShards
{
    /// <summary>Fixed forever: changing it would move every conversation.</summary>
    public const int VirtualShards = 4096;

    public StoreShards(Shard directory, IReadOnlyList<Shard> shards)
    {
        if (shards.Count is 0 or > VirtualShards)
            throw new ArgumentOutOfRangeException(nameof(shards), "A store has 1 to 4,096 shards.");
        Directory = directory;
        All = shards;
    }

    /// <summary>Accounts, sessions and refresh tokens.</summary>
    public Shard Directory { get; }

    public IReadOnlyList<Shard> All { get; }

    /// <summary>The shard of a conversation (by its id) or of a user's conversation index (by the user id).</summary>
    public Shard For(string key) => All[IndexOf(key)];

    public int IndexOf(string key) => All.Count == 1 ? 0 : (int)((long)SlotOf(key) * All.Count / VirtualShards);

    public static int SlotOf(string key)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(key) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(key, buffer)] : Encoding.UTF8.GetBytes(key);
        return (int)(XxHash32.HashToUInt32(bytes) % VirtualShards);
    }
}

/// <summary>
/// One database. <see cref="Create"/> hands out a pooled context; while the database was found unreachable within
/// <c>Storage:Postgres:RetryUnavailableAfter</c>, it throws <see cref="StoreUnavailableException"/> at once instead, so
/// a dead shard costs one failed connect per interval, not one connect timeout per request.
/// </summary>
internal sealed class Shard(int index, TimeProvider time, TimeSpan retryAfter)
{
    private long _downUntil;
    private Func<TokenImDbContext>? _create;

    public int Index { get; } = index;

    /// <summary>Set once at start-up: the context options refer back to this shard (its failure interceptor).</summary>
    public Func<TokenImDbContext> Factory
    {
        set => _create = value;
    }

    public TokenImDbContext Create()
    {
        if (Volatile.Read(ref _downUntil) > time.GetTimestamp())
            throw new StoreUnavailableException(Index);
        return (_create ?? throw new InvalidOperationException("The shard has no context factory."))();
    }

    /// <summary>Called when opening a connection failed for a reason that means the database is unreachable.</summary>
    public void MarkUnreachable() =>
        Volatile.Write(ref _downUntil, time.GetTimestamp() + (long)(retryAfter.TotalSeconds * time.TimestampFrequency));
}

/// <summary>A shard (or the directory) cannot be reached: answered with <c>503 store_unavailable</c>, never a 500.</summary>
internal sealed class StoreUnavailableException(int shard, Exception? inner = null)
    : Exception($"Store shard {shard} is unreachable.", inner)
{
    public int Shard { get; } = shard;

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) says the database could not be reached — a refused or
    /// timed-out connection, a server shutting down — as opposed to a bug or a constraint.
    /// </summary>
    public static bool IsUnreachable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StoreUnavailableException:
                    return true;
                case Npgsql.PostgresException pg:
                    // 08: connection exception; 57P: operator intervention (shutdown, cannot connect now); 53300: too many connections.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300";
                case Npgsql.NpgsqlException { IsTransient: true }:
                    return true;
            }
        }

        return false;
    }
}
