using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Search;

/// <summary>A started server for one search test class; each test makes its own users, so they never see each other's messages.</summary>
public abstract class SearchFixture : IAsyncLifetime
{
    private TokenImFactory? _factory;

    /// <summary>Why this backend cannot run here (the tests skip), or null.</summary>
    public abstract string? SkipReason { get; }

    protected abstract Task<TokenImFactory?> CreateFactoryAsync();

    private TokenImFactory Factory => _factory ?? throw new InvalidOperationException(SkipReason ?? "Not started.");

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

    public async ValueTask InitializeAsync()
    {
        _factory = await CreateFactoryAsync();
        // Resolving the services starts the host, which migrates the store before it serves.
        _ = _factory?.Services;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The default server: one SQLite file (FTS5 trigram).</summary>
public sealed class SqliteSearchFixture : SearchFixture
{
    public override string? SkipReason => null;

    protected override Task<TokenImFactory?> CreateFactoryAsync() => Task.FromResult<TokenImFactory?>(new TokenImFactory());
}

/// <summary>A directory and two shards on the <c>TOKENIM_PG</c> server (pg_trgm), so a search merges shards.</summary>
public sealed class PostgresSearchFixture : SearchFixture
{
    private PostgresDatabases? _databases;

    public override string? SkipReason =>
        PostgresDatabases.AdminConnectionString is null ? $"{PostgresDatabases.Variable} is not set (scripts/test.sh starts a PostgreSQL and sets it)." : null;

    protected override async Task<TokenImFactory?> CreateFactoryAsync()
    {
        if (SkipReason is not null)
            return null;
        _databases = await PostgresDatabases.CreateAsync(3);
        return new TokenImFactory().UsePostgres(_databases);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_databases is not null)
            await _databases.DisposeAsync();
    }
}

/// <summary>The search suite on SQLite.</summary>
public sealed class SqliteSearchTests(SqliteSearchFixture fixture) : SearchTests(fixture), IClassFixture<SqliteSearchFixture>;

/// <summary>The search suite on PostgreSQL: a directory and two conversation shards.</summary>
public sealed class PostgresSearchTests(PostgresSearchFixture fixture) : SearchTests(fixture), IClassFixture<PostgresSearchFixture>;
