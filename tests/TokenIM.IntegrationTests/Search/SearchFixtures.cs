using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Storage;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Search;

/// <summary>
/// A started server for one search test class — the store contract's server of the same backend — with what the
/// search tests do to it; each test makes its own users, so they never see each other's messages.
/// </summary>
public abstract class SearchFixture(StoreFixture server) : IAsyncLifetime
{
    /// <summary>Why this backend cannot run here (the tests skip), or null.</summary>
    public string? SkipReason => server.SkipReason;

    private TokenImFactory Factory => server.Factory;

    /// <summary>A newly registered user's SDK client over the in-memory server.</summary>
    public async Task<TokenImClient> NewUserAsync()
    {
        var client = new TokenImClient(Factory.CreateClient());
        await client.RegisterAsync(Factory.NextUsername("search"), Api.DefaultPassword, cancellationToken: TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>
    /// Indexes every message stored so far (SQLite indexes new messages in the background; PostgreSQL at once), so a
    /// search that follows sees them: the tests never wait for the indexer's timer.
    /// </summary>
    internal Task CatchUpAsync() =>
        Factory.Services.GetRequiredService<SearchIndexer>().CatchUpAsync(TestContext.Current.CancellationToken);

    /// <summary>Changes rows of a conversation directly on its shard: what the edit, recall and "delete for me" routes write.</summary>
    internal async Task OnShardAsync(string conversationId, Func<TokenImDbContext, Task> change)
    {
        await using var db = Factory.Services.GetRequiredService<StoreShards>().For(conversationId).Create();
        await change(db);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Sets a message's columns in place (tracked update: the text index sees an UPDATE of the row).</summary>
    internal Task UpdateMessageAsync(string conversationId, long seq, Action<MessageEntity> update) =>
        OnShardAsync(conversationId, async db =>
        {
            var row = await db.Messages.SingleAsync(m => m.ConversationId == conversationId && m.Seq == seq, TestContext.Current.CancellationToken);
            update(row);
        });

    public ValueTask InitializeAsync() => server.InitializeAsync();

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return server.DisposeAsync();
    }
}

/// <summary>The default server: one SQLite file (FTS5 trigram).</summary>
public sealed class SqliteSearchFixture() : SearchFixture(new SqliteStoreFixture());

/// <summary>A directory and two shards on the <c>TOKENIM_PG</c> server (pg_trgm), so a search merges shards.</summary>
public sealed class PostgresSearchFixture() : SearchFixture(new PostgresStoreFixture());

/// <summary>The search suite on SQLite.</summary>
public sealed class SqliteSearchTests(SqliteSearchFixture fixture) : SearchTests(fixture), IClassFixture<SqliteSearchFixture>;

/// <summary>The search suite on PostgreSQL: a directory and two conversation shards.</summary>
public sealed class PostgresSearchTests(PostgresSearchFixture fixture) : SearchTests(fixture), IClassFixture<PostgresSearchFixture>;
