using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>Stored rows to wire records: Unix milliseconds become timestamps, direct conversations lose their title.</summary>
internal static class ChatMapping
{
    public static MessageDto ToDto(this MessageEntity m) =>
        new(m.Id, m.ConversationId, m.Seq, m.SenderId, m.ClientMsgId, m.Text, Time(m.CreatedAt));

    public static MemberDto ToDto(this MemberEntity m) => new(m.UserId, m.Role, Time(m.JoinedAt), m.ReadSeq);

    public static ConversationDto ToDto(this ConversationView view)
    {
        var c = view.Conversation;
        // A marker can only lag (it never passes lastSeq), but clamp so a count is never negative.
        var readSeq = Math.Min(view.Self.ReadSeq, c.LastSeq);
        return new ConversationDto(
            c.Id,
            c.Type,
            c.Type == ConversationTypes.Group ? c.Title : null,
            view.MemberIds,
            c.LastSeq,
            readSeq,
            c.LastSeq - readSeq,
            view.LastMessage?.ToDto(),
            Time(c.UpdatedAt),
            Time(c.CreatedAt),
            view.Self.Role);
    }

    public static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
