using System.Text.Json.Serialization;
using TokenIM.Protocol.Rest;

namespace TokenIM.Protocol.Ws;

/// <summary>The socket is authenticated.</summary>
/// <param name="UserId">The user.</param>
/// <param name="SessionId">The session of the token.</param>
/// <param name="ServerTime">The server's clock, to estimate skew.</param>
public sealed record ReadyEvent(string UserId, string SessionId, DateTimeOffset ServerTime)
{
    /// <summary>
    /// The store's epoch: an opaque string that changes only when the store is restored from a backup. A client that
    /// saw another value before must drop every seq and change cursor and cached message and load again, since seqs
    /// after the backup may be given out again. Absent (null) from servers before it existed: unknown, compare nothing.
    /// </summary>
    public string? Epoch { get; init; }

    /// <summary>Always <c>ready</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Ready;
}

/// <summary>A request succeeded (<c>refresh</c>).</summary>
/// <param name="Re">The request's <c>id</c>.</param>
public sealed record OkEvent(string? Re)
{
    /// <summary>Always <c>ok</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Ok;
}

/// <summary>A send was durably committed (or was a resend of one that was).</summary>
/// <param name="Re">The send's <c>id</c>.</param>
/// <param name="ConversationId">The conversation.</param>
/// <param name="ClientMsgId">The send's idempotency key.</param>
/// <param name="MessageId">The stored message's id.</param>
/// <param name="Seq">Its seq.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record AckEvent(string? Re, string ConversationId, string ClientMsgId, string MessageId, long Seq, DateTimeOffset CreatedAt)
{
    /// <summary>Always <c>ack</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Ack;
}

/// <summary>The answer to <c>sync</c>: messages above <c>afterSeq</c>, ascending.</summary>
/// <param name="Re">The sync's <c>id</c>.</param>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Messages">Up to <c>limit</c> messages.</param>
/// <param name="HasMore">Whether more lie above the last one.</param>
/// <param name="Changes">With <c>afterChangeSeq</c>: the messages changed above it, ascending by <c>changeSeq</c>, each at its latest change.</param>
/// <param name="HasMoreChanges">With <c>afterChangeSeq</c>: whether more changes lie above the last one.</param>
public sealed record SyncedEvent(
    string? Re, string ConversationId, IReadOnlyList<MessageDto> Messages, bool HasMore, IReadOnlyList<MessageDto>? Changes = null, bool? HasMoreChanges = null)
{
    /// <summary>Always <c>synced</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Synced;
}

/// <summary>The answer to <c>ping</c>.</summary>
/// <param name="Re">The ping's <c>id</c>.</param>
public sealed record PongEvent(string? Re)
{
    /// <summary>Always <c>pong</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Pong;
}

/// <summary>A new message, to every connected device of every member (at least once: drop repeats by conversation and seq).</summary>
/// <param name="Message">The message.</param>
public sealed record MessageEvent(MessageDto Message)
{
    /// <summary>Always <c>message</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Message;
}

/// <summary>
/// A message was edited, recalled, or its reactions changed, to every connected device of every member. The
/// message's <c>changeSeq</c> is the conversation's new change counter: a client that held n and sees more than n+1
/// asks for the changes above n (<c>sync</c> with <c>afterChangeSeq</c>, or <c>GET …/changes</c>).
/// </summary>
/// <param name="Message">The message as it now is.</param>
public sealed record ChangedEvent(MessageDto Message)
{
    /// <summary>Always <c>changed</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Changed;
}

/// <summary>The user deleted a message for themselves (from another device): hide it.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="MessageId">The message.</param>
/// <param name="Seq">Its seq.</param>
public sealed record HiddenEvent(string ConversationId, string MessageId, long Seq)
{
    /// <summary>Always <c>hidden</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Hidden;
}

/// <summary>A member's read marker moved.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">Whose marker.</param>
/// <param name="Seq">Its new value.</param>
public sealed record ReceiptEvent(string ConversationId, string UserId, long Seq)
{
    /// <summary>Always <c>receipt</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Receipt;
}

/// <summary>Another member is typing (show it for about 5 s, or until their message arrives).</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">Who is typing.</param>
public sealed record TypingEvent(string ConversationId, string UserId)
{
    /// <summary>Always <c>typing</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Typing;
}

/// <summary>A user came online (their first socket) or went offline (their last socket closed).</summary>
/// <param name="UserId">The user.</param>
/// <param name="Online">Whether they have a socket now.</param>
/// <param name="LastSeenAt">When offline: when their last socket closed.</param>
public sealed record PresenceEvent(string UserId, bool Online, DateTimeOffset? LastSeenAt = null)
{
    /// <summary>Always <c>presence</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Presence;
}

/// <summary>The <c>event</c> values of <see cref="ConversationEvent"/>.</summary>
public static class ConversationEvents
{
    /// <summary>The user was made a member of a new conversation.</summary>
    public const string Created = "created";

    /// <summary>The title or a role changed.</summary>
    public const string Updated = "updated";

    /// <summary>Members were added (to the existing members), or the user was added (to the user).</summary>
    public const string MemberAdded = "member_added";

    /// <summary>A member was removed or left; the removed user gets it too, and from then on nothing of the conversation.</summary>
    public const string MemberRemoved = "member_removed";

    /// <summary>The user changed their own settings of it (mute, pin, archive) on another device: to that user only.</summary>
    public const string SettingsChanged = "settings_changed";
}

/// <summary>A conversation changed; <see cref="Conversation"/> is as the receiving user sees it.</summary>
/// <param name="Event">One of <see cref="ConversationEvents"/>.</param>
/// <param name="Conversation">The conversation after the change.</param>
public sealed record ConversationEvent(string Event, ConversationDto Conversation)
{
    /// <summary>Always <c>conversation</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Conversation;
}

/// <summary>A request failed, or the server refuses something; the socket stays open unless a close follows.</summary>
/// <param name="Re">The request's <c>id</c>, when a request with one caused it.</param>
/// <param name="Code">An <see cref="ErrorCode.Code"/>.</param>
/// <param name="Message">For humans.</param>
/// <param name="RetryAfterMs">With <c>rate_limited</c>: when to retry.</param>
/// <param name="Errors">With <c>validation_failed</c>: messages per field.</param>
public sealed record ErrorEvent(string? Re, string Code, string Message, long? RetryAfterMs = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>Always <c>error</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Error;
}
