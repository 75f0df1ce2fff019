using System.Text.Json.Serialization;

namespace TokenIM.Protocol.Ws;

/// <summary>The <c>op</c> values of the <c>tokenim.v1</c> subprotocol.</summary>
public static class Ops
{
    /// <summary>Client: authenticate with an access token (the first frame, unless the upgrade carried one).</summary>
    public const string Auth = "auth";

    /// <summary>Client: replace the socket's access token with a newer one.</summary>
    public const string Refresh = "refresh";

    /// <summary>Client: send a message.</summary>
    public const string Send = "send";

    /// <summary>Client: fetch the messages above a seq.</summary>
    public const string Sync = "sync";

    /// <summary>Client: move the read marker.</summary>
    public const string Read = "read";

    /// <summary>Client: the user is typing. Server: another member is typing.</summary>
    public const string Typing = "typing";

    /// <summary>Client: an application-level round trip.</summary>
    public const string Ping = "ping";

    /// <summary>Server: authenticated.</summary>
    public const string Ready = "ready";

    /// <summary>Server: a request without a more specific answer succeeded.</summary>
    public const string Ok = "ok";

    /// <summary>Server: a send was committed.</summary>
    public const string Ack = "ack";

    /// <summary>Server: the answer to <see cref="Sync"/>.</summary>
    public const string Synced = "synced";

    /// <summary>Server: the answer to <see cref="Ping"/>.</summary>
    public const string Pong = "pong";

    /// <summary>Server: a new message in one of the user's conversations.</summary>
    public const string Message = "message";

    /// <summary>Server: a message was edited, recalled, or its reactions changed; carries the message as it now is.</summary>
    public const string Changed = "changed";

    /// <summary>Server: the user deleted a message for themselves (to their own devices).</summary>
    public const string Hidden = "hidden";

    /// <summary>Server: a member's read marker moved.</summary>
    public const string Receipt = "receipt";

    /// <summary>Server: a user came online or went offline.</summary>
    public const string Presence = "presence";

    /// <summary>Server: a conversation was created, changed, or gained or lost a member.</summary>
    public const string Conversation = "conversation";

    /// <summary>Server: a request failed, or the server refuses something.</summary>
    public const string Error = "error";
}

/// <summary><c>{"op":"auth","token"}</c>: the first frame when the upgrade carried no <c>Authorization</c> header. Answered by <c>ready</c>, or a close with 4001.</summary>
/// <param name="Token">An access token.</param>
public sealed record AuthFrame(string? Token)
{
    /// <summary>Always <c>auth</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Auth;
}

/// <summary><c>{"op":"refresh","id","token"}</c>: a newer access token of the same session; answered by <c>ok</c>.</summary>
/// <param name="Id">Echoed as <c>re</c>.</param>
/// <param name="Token">The new access token.</param>
public sealed record RefreshFrame(string? Id, string? Token)
{
    /// <summary>Always <c>refresh</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Refresh;
}

/// <summary><c>{"op":"send","id","conversationId","clientMsgId","text"}</c>; answered by <c>ack</c> after the commit.</summary>
/// <param name="Id">Echoed as <c>re</c>.</param>
/// <param name="ConversationId">The conversation.</param>
/// <param name="ClientMsgId">The idempotency key: a resend with the same value is acked with the original message.</param>
/// <param name="Text">Up to 4,000 characters; required unless <paramref name="AttachmentId"/> or <paramref name="ForwardOf"/> is given.</param>
/// <param name="ReplyToId">A message of the same conversation to quote.</param>
/// <param name="ForwardOf">A message to forward.</param>
/// <param name="AttachmentId">A file uploaded to this conversation and not yet sent.</param>
public sealed record SendFrame(
    string? Id, string? ConversationId, string? ClientMsgId, string? Text, string? ReplyToId = null, Rest.MessageRefDto? ForwardOf = null, string? AttachmentId = null)
{
    /// <summary>Always <c>send</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Send;
}

/// <summary><c>{"op":"sync","id","conversationId","afterSeq","limit"?}</c>; answered by <c>synced</c>.</summary>
/// <param name="Id">Echoed as <c>re</c>.</param>
/// <param name="ConversationId">The conversation.</param>
/// <param name="AfterSeq">Exclusive lower bound, 0 for the start.</param>
/// <param name="Limit">1–300; the default is 100 (for the messages and, apart, for the changes).</param>
/// <param name="AfterChangeSeq">When given: also the changes above it (edits, recalls, reactions), answered in <c>synced</c>'s <c>changes</c>.</param>
public sealed record SyncFrame(string? Id, string? ConversationId, long? AfterSeq, int? Limit = null, long? AfterChangeSeq = null)
{
    /// <summary>Always <c>sync</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Sync;
}

/// <summary><c>{"op":"read","conversationId","seq"}</c>: moves the read marker forward; members get <c>receipt</c>. No reply unless it fails (then <c>error</c>, with <c>re</c> when an <c>id</c> was given).</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Seq">The newest seq read.</param>
/// <param name="Id">Optional; echoed as <c>re</c> on an error.</param>
public sealed record ReadFrame(string? ConversationId, long? Seq, string? Id = null)
{
    /// <summary>Always <c>read</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Read;
}

/// <summary><c>{"op":"typing","conversationId"}</c>: the other members get <c>typing</c> (at most one per 3 s per user and conversation).</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Id">Optional; echoed as <c>re</c> on an error.</param>
public sealed record TypingFrame(string? ConversationId, string? Id = null)
{
    /// <summary>Always <c>typing</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Typing;
}

/// <summary><c>{"op":"ping","id"}</c>; answered by <c>pong</c>.</summary>
/// <param name="Id">Echoed as <c>re</c>.</param>
public sealed record PingFrame(string? Id)
{
    /// <summary>Always <c>ping</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Op => Ops.Ping;
}
