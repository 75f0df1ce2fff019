using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenIM.Server.Storage.Migrations.Postgres
{
    /// <summary>
    /// Message search (docs/architecture.md, "Search"): a pg_trgm GIN index over the messages' text, on the
    /// partitioned parent and so on every partition, in every database (migrations run per shard). Raw SQL only: the
    /// EF model does not change. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    /// Under a C.UTF-8 (glibc) locale CJK characters count as word characters, so their trigrams are indexed (checked:
    /// docs/benchmarks.md, "Search").
    /// </summary>
    [DbContext(typeof(PostgresTokenImDbContext))]
    [Migration("20261127160004_MessageSearch")]
    public partial class MessageSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("""CREATE INDEX "IX_messages_Text_trgm" ON "messages" USING gin ("Text" gin_trgm_ops);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_messages_Text_trgm";""");
        }
    }
}
