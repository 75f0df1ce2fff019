using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenIM.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserConversationIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "user_conversations",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_conversations", x => new { x.UserId, x.ConversationId });
                });

            // Every existing membership gets its index row.
            migrationBuilder.Sql("""INSERT INTO "user_conversations" ("UserId", "ConversationId") SELECT "UserId", "ConversationId" FROM "members";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_conversations");
        }
    }
}
