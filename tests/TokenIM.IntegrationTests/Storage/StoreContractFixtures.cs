using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>
/// A started server whose stores the contract suite drives: the stores are the server's own singletons, over a
/// database the server migrated at start-up. One per test class; each test makes its own users and conversations.
/// </summary>
public abstract class StoreFixture : IAsyncLifetime
{
    private TokenImFactory? _factory;

    /// <summary>Why this backend cannot run here (the tests skip), or null.</summary>
    public abstract string? SkipReason { get; }

    internal IChatStore Chat => Services.GetRequiredService<IChatStore>();

    internal IAccountStore Accounts => Services.GetRequiredService<IAccountStore>();

    internal IApiKeyStore ApiKeys => Services.GetRequiredService<IApiKeyStore>();

    /// <summary>The server's services, for what the stores depend on (the webhook endpoints, the shards).</summary>
    internal IServiceProvider ServerServices => Services;

    /// <summary>The started server (other suites over the same two backends reuse these fixtures: Search/SearchFixtures).</summary>
    internal TokenImFactory Factory => _factory ?? throw new InvalidOperationException(SkipReason ?? "Not started.");

    private IServiceProvider Services => Factory.Services;

    /// <summary>The server, configured but not started; null when <see cref="SkipReason"/> is set.</summary>
    protected abstract Task<TokenImFactory?> CreateFactoryAsync();

    public async ValueTask InitializeAsync()
    {
        _factory = await CreateFactoryAsync();
        // Resolving the services builds and starts the host, which migrates the store before it serves.
        _ = _factory?.Services;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The default server: one SQLite file.</summary>
public sealed class SqliteStoreFixture : StoreFixture
{
    public override string? SkipReason => null;

    protected override Task<TokenImFactory?> CreateFactoryAsync() => Task.FromResult<TokenImFactory?>(new TokenImFactory());
}

/// <summary>A directory database and two shard databases, three separate databases on the <c>TOKENIM_PG</c> server.</summary>
public sealed class PostgresStoreFixture : StoreFixture
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
        // The server first: it holds connections to the databases about to be dropped.
        await base.DisposeAsync();
        if (_databases is not null)
            await _databases.DisposeAsync();
    }
}

/// <summary>The contract suite on SQLite, the default store.</summary>
public sealed class SqliteStoreContractTests(SqliteStoreFixture fixture) : StoreContractTests(fixture), IClassFixture<SqliteStoreFixture>;

/// <summary>The contract suite on PostgreSQL: a directory and two conversation shards.</summary>
public sealed class PostgresStoreContractTests(PostgresStoreFixture fixture) : StoreContractTests(fixture), IClassFixture<PostgresStoreFixture>;
