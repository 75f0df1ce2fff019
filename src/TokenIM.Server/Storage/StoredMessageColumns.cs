using System.Data.Common;

namespace TokenIM.Server.Storage;

/// <summary>
/// Every column of a message row, in one order, and the reader of it: the append commands' raw SQL returns a stored
/// message (a repeat's original) whole, with whatever edits, recall and extras it has by now.
/// </summary>
internal static class StoredMessageColumns
{
    public const string Select =
        """
        "ConversationId", "Seq", "Id", "SenderId", "ClientMsgId", "Text", "CreatedAt", "ChangeSeq", "EditedAt",
        "RecalledAt", "RecalledBy", "ReplyToSeq", "ForwardedFromSenderId", "ForwardedFromCreatedAt", "Mentions", "AttachmentId"
        """;

    /// <summary>How many columns <see cref="Select"/> names.</summary>
    public const int Count = 16;

    /// <summary>Reads the row's columns from <paramref name="first"/> on, in the order of <see cref="Select"/>.</summary>
    public static MessageEntity Read(DbDataReader reader, int first) => new()
    {
        ConversationId = reader.GetString(first),
        Seq = reader.GetInt64(first + 1),
        Id = reader.GetString(first + 2),
        SenderId = reader.GetString(first + 3),
        ClientMsgId = reader.GetString(first + 4),
        Text = reader.GetString(first + 5),
        CreatedAt = reader.GetInt64(first + 6),
        ChangeSeq = reader.GetInt64(first + 7),
        EditedAt = NullableLong(reader, first + 8),
        RecalledAt = NullableLong(reader, first + 9),
        RecalledBy = NullableString(reader, first + 10),
        ReplyToSeq = NullableLong(reader, first + 11),
        ForwardedFromSenderId = NullableString(reader, first + 12),
        ForwardedFromCreatedAt = NullableLong(reader, first + 13),
        Mentions = NullableString(reader, first + 14),
        AttachmentId = NullableString(reader, first + 15),
    };

    private static long? NullableLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
