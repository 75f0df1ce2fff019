using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenIM.Server.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Message search (docs/architecture.md, "Search"): an FTS5 index with the trigram tokenizer over the messages'
    /// text, external content (the text is not stored twice). New messages are indexed by <c>SearchIndexer</c> in
    /// batches, off the send path, up to <c>search_progress.LastRowId</c>; edits, recalls and deletions of rows already
    /// indexed are applied by triggers in their own transaction. Raw SQL only: the EF model does not change. The index
    /// is keyed by the messages table's implicit rowid, which a table rebuild changes: a later migration that rebuilds
    /// <c>messages</c> (EF does for some column changes on SQLite) drops these triggers with the old table and must
    /// recreate them and rebuild the index (as below).
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
            migrationBuilder.Sql("""
                CREATE TABLE "search_progress" (
                    "Id" INTEGER NOT NULL PRIMARY KEY CHECK ("Id" = 0),
                    "LastRowId" INTEGER NOT NULL);
                """);
            migrationBuilder.Sql("""INSERT INTO "messages_fts"("messages_fts") VALUES ('rebuild');""");
            migrationBuilder.Sql("""INSERT INTO "search_progress" VALUES (0, (SELECT coalesce(max(rowid), 0) FROM "messages"));""");
            // Only a change of the text touches the index (edits, and recalls, which empty it), and only for a row
            // already indexed: a later one is indexed with its text as it is then.
            migrationBuilder.Sql("""
                CREATE TRIGGER "messages_fts_update" AFTER UPDATE OF "Text" ON "messages"
                WHEN old.rowid <= (SELECT "LastRowId" FROM "search_progress") BEGIN
                    INSERT INTO "messages_fts"("messages_fts", rowid, "Text") VALUES ('delete', old.rowid, old."Text");
                    INSERT INTO "messages_fts"(rowid, "Text") VALUES (new.rowid, new."Text");
                END;
                """);
            // SQLite gives the next row the highest rowid + 1: deleting the highest rows would have the next messages
            // reuse rowids at or below the mark, so the mark moves back to the highest remaining row.
            migrationBuilder.Sql("""
                CREATE TRIGGER "messages_fts_delete" AFTER DELETE ON "messages" BEGIN
                    INSERT INTO "messages_fts"("messages_fts", rowid, "Text")
                        SELECT 'delete', old.rowid, old."Text" WHERE old.rowid <= (SELECT "LastRowId" FROM "search_progress");
                    UPDATE "search_progress" SET "LastRowId" = (SELECT coalesce(max(rowid), 0) FROM "messages")
                        WHERE "LastRowId" > (SELECT coalesce(max(rowid), 0) FROM "messages");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "messages_fts_update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "messages_fts_delete";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "search_progress";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "messages_fts";""");
        }
    }
}
