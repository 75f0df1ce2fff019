using System.Data.Common;

namespace TokenIM.Server.Storage;

/// <summary>
/// The writes of one group-commit batch as three prepared statements on the batch's connection and transaction:
/// each is parsed once and then only re-bound per row. EF's <c>SaveChanges</c> spent more on change tracking and
/// command building than SQLite spent writing (docs/benchmarks.md has the figures). Plain SQL that PostgreSQL reads too.
/// </summary>
internal sealed class AppendCommands : IAsyncDisposable
{
    private readonly DbCommand _insert;
    private readonly DbCommand _advanceConversation;
    private readonly DbCommand _advanceReader;

    public AppendCommands(DbConnection connection, DbTransaction transaction)
    {
        _insert = Create(connection, transaction,
            """
            INSERT INTO "messages" ("ConversationId", "Seq", "Id", "SenderId", "ClientMsgId", "Text", "CreatedAt")
            VALUES (@conversation, @seq, @id, @sender, @clientMsgId, @text, @createdAt)
            """,
            "conversation", "seq", "id", "sender", "clientMsgId", "text", "createdAt");
        _advanceConversation = Create(connection, transaction,
            """UPDATE "conversations" SET "LastSeq" = @seq, "UpdatedAt" = @updatedAt WHERE "Id" = @conversation""",
            "seq", "updatedAt", "conversation");
        // The sender has read what they sent; a marker never moves back.
        _advanceReader = Create(connection, transaction,
            """UPDATE "members" SET "ReadSeq" = @seq WHERE "ConversationId" = @conversation AND "UserId" = @user AND "ReadSeq" < @seq""",
            "seq", "conversation", "user");
    }

    public async Task InsertAsync(MessageEntity message, CancellationToken cancellationToken)
    {
        var p = _insert.Parameters;
        p[0].Value = message.ConversationId;
        p[1].Value = message.Seq;
        p[2].Value = message.Id;
        p[3].Value = message.SenderId;
        p[4].Value = message.ClientMsgId;
        p[5].Value = message.Text;
        p[6].Value = message.CreatedAt;
        await _insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AdvanceConversationAsync(string conversationId, long lastSeq, long updatedAt, CancellationToken cancellationToken)
    {
        var p = _advanceConversation.Parameters;
        p[0].Value = lastSeq;
        p[1].Value = updatedAt;
        p[2].Value = conversationId;
        await _advanceConversation.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AdvanceReaderAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        var p = _advanceReader.Parameters;
        p[0].Value = seq;
        p[1].Value = conversationId;
        p[2].Value = userId;
        await _advanceReader.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Create(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _advanceConversation.DisposeAsync();
        await _advanceReader.DisposeAsync();
    }
}
