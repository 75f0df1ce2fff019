using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenIM.Server.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Message search (docs/architecture.md, "Search"): an FTS5 index with the trigram tokenizer over the messages'
    /// text, external content (the text is not stored twice), kept by triggers in the writing transaction. Raw SQL
    /// only: the EF model does not change. The index is keyed by the messages table's implicit rowid, which a table
    /// rebuild changes: a later migration that rebuilds <c>messages</c> (EF does for some column changes on SQLite)
    /// drops these triggers with the old table and must recreate them and run <c>'rebuild'</c> (as below).
    /// </summary>
    [DbContext(typeof(SqliteTokenImDbContext))]
    [Migration("20261127160000_MessageSearch")]
    public partial class MessageSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "messages_fts" USING fts5(
                    "Text", content='messages', content_rowid='rowid', tokenize='trigram case_sensitive 0');
                """);
            // Only a change of the text touches the index: edits and recalls (which empty it); reactions and other
            // column updates do not fire it.
            migrationBuilder.Sql("""
                CREATE TRIGGER "messages_fts_insert" AFTER INSERT ON "messages" BEGIN
                    INSERT INTO "messages_fts"(rowid, "Text") VALUES (new.rowid, new."Text");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "messages_fts_delete" AFTER DELETE ON "messages" BEGIN
                    INSERT INTO "messages_fts"("messages_fts", rowid, "Text") VALUES ('delete', old.rowid, old."Text");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "messages_fts_update" AFTER UPDATE OF "Text" ON "messages" BEGIN
                    INSERT INTO "messages_fts"("messages_fts", rowid, "Text") VALUES ('delete', old.rowid, old."Text");
                    INSERT INTO "messages_fts"(rowid, "Text") VALUES (new.rowid, new."Text");
                END;
                """);
            migrationBuilder.Sql("""INSERT INTO "messages_fts"("messages_fts") VALUES ('rebuild');""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "messages_fts_update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "messages_fts_delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "messages_fts_insert";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "messages_fts";""");
        }
    }
}
