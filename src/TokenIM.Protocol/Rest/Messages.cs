namespace TokenIM.Protocol.Rest;

/// <summary>A stored message, as the caller sees it now (edits, recall and reactions applied).</summary>
/// <param name="Id">Opaque message id.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="Seq">Its position in the conversation: 1, 2, 3, … without gaps. A recalled message keeps its seq.</param>
/// <param name="SenderId">The user who sent it.</param>
/// <param name="ClientMsgId">The sender's idempotency key.</param>
/// <param name="Text">The text, up to 4,000 characters; empty when recalled, and may be empty beside an attachment or a forward.</param>
/// <param name="CreatedAt">When the server stored it.</param>
/// <param name="ChangeSeq">The conversation's change counter at this message's latest change (edit, recall, reaction); absent while it never changed. See <c>GET …/changes</c>.</param>
/// <param name="EditedAt">When its text was last edited; absent when never edited (show an "edited" mark when present).</param>
/// <param name="Recalled"><c>true</c> when recalled (deleted for everyone): a tombstone that keeps its seq; text, attachment, reply, mentions and reactions are gone.</param>
/// <param name="RecalledAt">When it was recalled.</param>
/// <param name="RecalledBy">Who recalled it: the sender, or a group admin or owner.</param>
/// <param name="ReplyTo">The quoted message, when this one replies to another of the same conversation.</param>
/// <param name="ForwardedFrom">Where it came from, when forwarded from another message.</param>
/// <param name="Mentions">The user ids it mentions with <c>@username</c> (members only), in order of first mention.</param>
/// <param name="MentionsAll"><c>true</c> when a group owner or admin wrote <c>@all</c>: every member is mentioned.</param>
/// <param name="Reactions">Reactions, one entry per emoji, in the order each emoji was first used.</param>
/// <param name="Attachment">The attached file, when there is one.</param>
/// <param name="Hidden"><c>true</c> when the caller deleted it for themselves: show nothing (the seq stays taken). Only in the caller's own views.</param>
public sealed record MessageDto(
    string Id,
    string ConversationId,
    long Seq,
    string SenderId,
    string ClientMsgId,
    string Text,
    DateTimeOffset CreatedAt,
    long? ChangeSeq = null,
    DateTimeOffset? EditedAt = null,
    bool? Recalled = null,
    DateTimeOffset? RecalledAt = null,
    string? RecalledBy = null,
    MessageReplyDto? ReplyTo = null,
    ForwardedFromDto? ForwardedFrom = null,
    IReadOnlyList<string>? Mentions = null,
    bool? MentionsAll = null,
    IReadOnlyList<ReactionDto>? Reactions = null,
    AttachmentDto? Attachment = null,
    bool? Hidden = null);

/// <summary>A preview of the message a reply quotes, as that message is now.</summary>
/// <param name="MessageId">The quoted message.</param>
/// <param name="Seq">Its seq (to scroll to it).</param>
/// <param name="SenderId">Its sender.</param>
/// <param name="Text">Its text, cut to at most 100 characters; empty when it was recalled.</param>
/// <param name="Recalled"><c>true</c> when the quoted message was recalled since.</param>
/// <param name="AttachmentName">The quoted message's file name, when it has an attachment.</param>
public sealed record MessageReplyDto(string MessageId, long Seq, string SenderId, string Text, bool? Recalled = null, string? AttachmentName = null);

/// <summary>The origin of a forwarded message.</summary>
/// <param name="SenderId">Who wrote the original.</param>
/// <param name="CreatedAt">When the original was sent.</param>
public sealed record ForwardedFromDto(string SenderId, DateTimeOffset CreatedAt);

/// <summary>One emoji's reactions on a message.</summary>
/// <param name="Emoji">One of the allowed reactions (see <see cref="Reactions.Allowed"/>).</param>
/// <param name="Count">How many users reacted with it.</param>
/// <param name="UserIds">Who, earliest first: at most 20 (the count says how many there are).</param>
public sealed record ReactionDto(string Emoji, int Count, IReadOnlyList<string> UserIds);

/// <summary>The reactions a message may get: a small fixed set, the same on every server.</summary>
public static class Reactions
{
    /// <summary>👍 ❤️ 😂 😮 😢 🙏 🎉 🔥 — in this order in pickers.</summary>
    public static readonly IReadOnlyList<string> Allowed = ["👍", "❤️", "😂", "😮", "😢", "🙏", "🎉", "🔥"];

    /// <summary>At most this many user ids are listed per emoji in <see cref="ReactionDto.UserIds"/>.</summary>
    public const int MaxListedUsers = 20;
}

/// <summary>A file uploaded to a conversation, as a message carries it.</summary>
/// <param name="Id">Opaque attachment id.</param>
/// <param name="Name">The file name given at upload (cleaned: no path, no control characters), 1–255 characters.</param>
/// <param name="ContentType">The type sniffed from the content (never taken from the name or the upload's header); <c>application/octet-stream</c> when unknown.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Width">Pixels, for images.</param>
/// <param name="Height">Pixels, for images.</param>
/// <param name="Thumbnail"><c>true</c> when a thumbnail exists (images): ask for a link with <c>variant=thumbnail</c>.</param>
public sealed record AttachmentDto(string Id, string Name, string ContentType, long Size, int? Width = null, int? Height = null, bool? Thumbnail = null);

/// <summary>A short-lived link to an attachment's bytes; anyone holding it may download until <see cref="ExpiresAt"/>, so do not share it.</summary>
/// <param name="Url">A path on this server (relative to its origin), e.g. <c>/api/v1/files/…?exp=…&amp;sig=…</c>; no access token is needed.</param>
/// <param name="ExpiresAt">When the link stops working (5 minutes by default).</param>
public sealed record AttachmentLinkDto(string Url, DateTimeOffset ExpiresAt);

/// <summary>Body of <c>POST /api/v1/conversations/{id}/messages</c> (and the fields of the socket's <c>send</c>).</summary>
/// <param name="ClientMsgId">1–64 printable ASCII characters chosen by the sender (a UUID is ideal); a resend with the same value returns the original message.</param>
/// <param name="Text">Up to 4,000 characters and at most 16 KiB of UTF-8; not only white space. Required (1 or more characters) unless the message carries an attachment or forwards one.</param>
/// <param name="ReplyToId">The id of a message of the same conversation to quote.</param>
/// <param name="ForwardOf">A message to forward (from any conversation the sender is a member of); its text and attachment are copied.</param>
/// <param name="AttachmentId">A file uploaded to this conversation by the sender and not yet sent.</param>
public sealed record SendMessageRequest(string? ClientMsgId, string? Text, string? ReplyToId = null, MessageRefDto? ForwardOf = null, string? AttachmentId = null);

/// <summary>A message named by its conversation and id.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="MessageId">The message.</param>
public sealed record MessageRefDto(string? ConversationId, string? MessageId);

/// <summary>Body of <c>PATCH /api/v1/conversations/{id}/messages/{messageId}</c>: the sender edits the text.</summary>
/// <param name="Text">The new text, by the rules of sending.</param>
public sealed record EditMessageRequest(string? Text);

/// <summary>Answer to <c>GET /api/v1/conversations/{id}/changes</c>: changed messages as they are now, ascending by <c>changeSeq</c>.</summary>
/// <param name="Messages">Each changed message once, at its latest change.</param>
/// <param name="HasMore">Whether more changes lie above the last one.</param>
public sealed record ChangePage(IReadOnlyList<MessageDto> Messages, bool HasMore);

/// <summary>Answer to <c>GET /api/v1/search/messages</c>: matches, newest first.</summary>
/// <param name="Messages">The page of matching messages (only of conversations the caller is a member of).</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next (older) page; absent on the last page.</param>
public sealed record SearchPage(IReadOnlyList<MessageDto> Messages, string? NextCursor = null);

/// <summary>A page of history, ascending by seq.</summary>
/// <param name="Messages">The page.</param>
/// <param name="HasMore">Whether more messages lie beyond the page in the direction asked (above for <c>afterSeq</c>, below otherwise).</param>
public sealed record MessagePage(IReadOnlyList<MessageDto> Messages, bool HasMore);

/// <summary>Body of <c>POST /api/v1/conversations/{id}/read</c>.</summary>
/// <param name="Seq">The newest seq the caller has read, 0 to the last seq; a marker never moves back, so a lower value changes nothing.</param>
public sealed record ReadRequest(long? Seq);
