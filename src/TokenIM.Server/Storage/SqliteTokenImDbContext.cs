using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TokenIM.Server.Storage;

/// <summary>The SQLite flavour of the model; its migrations live in <c>Migrations/Sqlite</c>.</summary>
internal sealed class SqliteTokenImDbContext(DbContextOptions<SqliteTokenImDbContext> options) : TokenImDbContext(options)
{
    protected override bool SingleDatabase => true;
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the server.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTokenImDbContext>
{
    public SqliteTokenImDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTokenImDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
