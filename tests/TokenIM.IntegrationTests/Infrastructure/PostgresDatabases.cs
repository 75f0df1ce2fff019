using Npgsql;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// Fresh, empty PostgreSQL databases for one test class, on the server named by <c>TOKENIM_PG</c> (an admin
/// connection string; scripts/test.sh starts a throwaway server and sets it), dropped again on dispose. Each gets a
/// unique name, so classes running in parallel never see each other's rows.
/// </summary>
public sealed class PostgresDatabases : IAsyncDisposable
{
    public const string Variable = "TOKENIM_PG";

    private readonly string _admin;
    private readonly List<string> _names;

    private PostgresDatabases(string admin, List<string> names)
    {
        _admin = admin;
        _names = names;
        ConnectionStrings = [.. names.Select(name => new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString)];
    }

    /// <summary>The admin connection string, or null when the environment names no server.</summary>
    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips the calling test when no server is configured.</summary>
    public static void SkipUnlessConfigured() =>
        Assert.SkipWhen(AdminConnectionString is null, $"{Variable} is not set (scripts/test.sh starts a PostgreSQL on loopback and sets it).");

    /// <summary>One connection string per database, in creation order.</summary>
    public IReadOnlyList<string> ConnectionStrings { get; }

    /// <summary>Creates <paramref name="count"/> empty databases; the caller must have checked <see cref="AdminConnectionString"/>.</summary>
    public static async Task<PostgresDatabases> CreateAsync(int count, CancellationToken cancellationToken = default)
    {
        var admin = AdminConnectionString ?? throw new InvalidOperationException($"{Variable} is not set.");
        var names = Enumerable.Range(0, count).Select(_ => $"tokenim_t_{Guid.NewGuid():N}").ToList();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        // One statement per database: CREATE DATABASE cannot run inside a transaction block.
        foreach (var name in names)
        {
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new PostgresDatabases(admin, names);
    }

    /// <summary>An open connection to database <paramref name="index"/>, for reading its rows directly.</summary>
    public async Task<NpgsqlConnection> OpenAsync(int index, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionStrings[index]);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        // Idle pooled connections of the servers under test would otherwise only die with FORCE below.
        foreach (var connectionString in ConnectionStrings)
            NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        foreach (var name in _names)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Points a server under test at PostgreSQL databases.</summary>
public static class PostgresFactoryExtensions
{
    /// <summary>
    /// Sets <paramref name="factory"/>'s storage to PostgreSQL: <paramref name="directory"/> for accounts and
    /// sessions, <paramref name="shards"/> for conversations. Call before the server starts.
    /// </summary>
    public static T UsePostgres<T>(this T factory, string directory, IReadOnlyList<string> shards)
        where T : TokenImFactory
    {
        factory.Settings["TokenIM:Storage:Provider"] = "Postgres";
        factory.Settings["TokenIM:Storage:Postgres:Directory"] = directory;
        for (var i = 0; i < shards.Count; i++)
            factory.Settings[$"TokenIM:Storage:Postgres:Shards:{i}"] = shards[i];
        return factory;
    }

    /// <summary>The first database as the directory and the rest as shards.</summary>
    public static T UsePostgres<T>(this T factory, PostgresDatabases databases)
        where T : TokenImFactory =>
        factory.UsePostgres(databases.ConnectionStrings[0], [.. databases.ConnectionStrings.Skip(1)]);
}
