using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>Stored rows to wire records: Unix milliseconds become timestamps, direct conversations lose their title.</summary>
internal static class ChatMapping
{
    /// <summary>
    /// The row's own columns on the wire. What needs other rows — the quoted message's preview, the reactions, the
    /// attachment, the caller's "deleted for me" — is added by the reader that fetched them (a <c>with</c> copy).
    /// </summary>
    public static MessageDto ToDto(this MessageEntity m)
    {
        var dto = new MessageDto(m.Id, m.ConversationId, m.Seq, m.SenderId, m.ClientMsgId, m.Text, Time(m.CreatedAt));
        // The common case — a plain text never changed — allocates nothing more.
        if (m.ChangeSeq == 0 && m.ForwardedFromSenderId is null && m.Mentions is null)
            return dto;
        var mentions = m.Mentions?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return dto with
        {
            ChangeSeq = m.ChangeSeq > 0 ? m.ChangeSeq : null,
            EditedAt = m.EditedAt is { } edited ? Time(edited) : null,
            Recalled = m.RecalledAt is not null ? true : null,
            RecalledAt = m.RecalledAt is { } recalled ? Time(recalled) : null,
            RecalledBy = m.RecalledBy,
            ForwardedFrom = m.ForwardedFromSenderId is { } from ? new ForwardedFromDto(from, Time(m.ForwardedFromCreatedAt ?? m.CreatedAt)) : null,
            Mentions = mentions?.Where(id => id != MessageEntity.MentionAll).ToArray() is { Length: > 0 } users ? users : null,
            MentionsAll = mentions?.Contains(MessageEntity.MentionAll) == true ? true : null,
        };
    }

    /// <summary>A new message as its live event and ack show it: the row plus what the send's checks read (reply preview, file).</summary>
    public static MessageDto ToDto(this MessageEntity m, MessageExtras? extras) =>
        extras is null ? m.ToDto() : m.ToDto() with { ReplyTo = extras.ReplyPreview, Attachment = extras.Attachment };

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
            view.Self.Role,
            c.LastChangeSeq,
            view.MentionCount,
            view.Self.Muted,
            view.Self.PinnedAt is not null,
            view.Self.ArchivedAt is not null);
    }

    public static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
