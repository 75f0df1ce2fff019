using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenIM.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MessageFeatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AttachmentId",
                table: "messages",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ChangeSeq",
                table: "messages",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "EditedAt",
                table: "messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ForwardedFromCreatedAt",
                table: "messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ForwardedFromSenderId",
                table: "messages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Mentions",
                table: "messages",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RecalledAt",
                table: "messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecalledBy",
                table: "messages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReplyToSeq",
                table: "messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ArchivedAt",
                table: "members",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Muted",
                table: "members",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "PinnedAt",
                table: "members",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastChangeSeq",
                table: "conversations",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "attachments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConversationId = table.Column<string>(type: "text", nullable: false),
                    UploaderId = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: true),
                    Height = table.Column<int>(type: "integer", nullable: true),
                    BlobKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ThumbnailKey = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    MessageSeq = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_attachments_conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "blocks",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    BlockedUserId = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blocks", x => new { x.UserId, x.BlockedUserId });
                });

            migrationBuilder.CreateTable(
                name: "hidden_messages",
                columns: table => new
                {
                    ConversationId = table.Column<string>(type: "text", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hidden_messages", x => new { x.ConversationId, x.UserId, x.Seq });
                    table.ForeignKey(
                        name: "FK_hidden_messages_conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "reactions",
                columns: table => new
                {
                    ConversationId = table.Column<string>(type: "text", nullable: false),
                    Seq = table.Column<long>(type: "bigint", nullable: false),
                    Emoji = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reactions", x => new { x.ConversationId, x.Seq, x.Emoji, x.UserId });
                    table.ForeignKey(
                        name: "FK_reactions_conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_messages_ConversationId_AttachmentId",
                table: "messages",
                columns: new[] { "ConversationId", "AttachmentId" },
                filter: "\"AttachmentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_messages_ConversationId_ChangeSeq",
                table: "messages",
                columns: new[] { "ConversationId", "ChangeSeq" },
                filter: "\"ChangeSeq\" > 0");

            migrationBuilder.CreateIndex(
                name: "IX_messages_mentions",
                table: "messages",
                columns: new[] { "ConversationId", "Seq" },
                filter: "\"Mentions\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_attachments_BlobKey",
                table: "attachments",
                column: "BlobKey");

            migrationBuilder.CreateIndex(
                name: "IX_attachments_ConversationId_MessageSeq",
                table: "attachments",
                columns: new[] { "ConversationId", "MessageSeq" });

            migrationBuilder.CreateIndex(
                name: "IX_attachments_CreatedAt",
                table: "attachments",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attachments");

            migrationBuilder.DropTable(
                name: "blocks");

            migrationBuilder.DropTable(
                name: "hidden_messages");

            migrationBuilder.DropTable(
                name: "reactions");

            migrationBuilder.DropIndex(
                name: "IX_messages_ConversationId_AttachmentId",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "IX_messages_ConversationId_ChangeSeq",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "IX_messages_mentions",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "AttachmentId",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "ChangeSeq",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "EditedAt",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "ForwardedFromCreatedAt",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "ForwardedFromSenderId",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "Mentions",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "RecalledAt",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "RecalledBy",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "ReplyToSeq",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Muted",
                table: "members");

            migrationBuilder.DropColumn(
                name: "PinnedAt",
                table: "members");

            migrationBuilder.DropColumn(
                name: "LastChangeSeq",
                table: "conversations");
        }
    }
}
