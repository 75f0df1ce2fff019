using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TokenIM.Server.Storage;

/// <summary>
/// The PostgreSQL flavour of the model; its migrations live in <c>Migrations/Postgres</c>. Every database of a
/// sharded store (the directory and each shard) gets the whole schema, and uses the tables of its roles; the
/// messages table is hash-partitioned by conversation (see the initial migration and docs/operations.md).
/// </summary>
internal sealed class PostgresTokenImDbContext(DbContextOptions<PostgresTokenImDbContext> options) : TokenImDbContext(options)
{
    protected override bool SingleDatabase => false;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Byte order, whatever the database's locale: user search is a range scan of the username index that relies
        // on '{' sorting after every username character, as it does on SQLite.
        modelBuilder.Entity<UserEntity>().Property(u => u.Username).UseCollation("C");
        modelBuilder.Entity<MessageEntity>().Property(m => m.Id).IsRequired();
    }
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without starting the server (no database is opened).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTokenImDbContext>
{
    public PostgresTokenImDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTokenImDbContext>().UseNpgsql("Host=127.0.0.1;Database=tokenim_design").Options);
}
