namespace TokenIM.Protocol.Rest;

/// <summary>A stored message.</summary>
/// <param name="Id">Opaque message id.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="Seq">Its position in the conversation: 1, 2, 3, … without gaps.</param>
/// <param name="SenderId">The user who sent it.</param>
/// <param name="ClientMsgId">The sender's idempotency key.</param>
/// <param name="Text">The text, 1–4,000 characters.</param>
/// <param name="CreatedAt">When the server stored it.</param>
public sealed record MessageDto(string Id, string ConversationId, long Seq, string SenderId, string ClientMsgId, string Text, DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST /api/v1/conversations/{id}/messages</c>.</summary>
/// <param name="ClientMsgId">1–64 printable ASCII characters chosen by the sender (a UUID is ideal); a resend with the same value returns the original message.</param>
/// <param name="Text">1–4,000 characters and at most 16 KiB of UTF-8; not only white space.</param>
public sealed record SendMessageRequest(string? ClientMsgId, string? Text);

/// <summary>A page of history, ascending by seq.</summary>
/// <param name="Messages">The page.</param>
/// <param name="HasMore">Whether more messages lie beyond the page in the direction asked (above for <c>afterSeq</c>, below otherwise).</param>
public sealed record MessagePage(IReadOnlyList<MessageDto> Messages, bool HasMore);

/// <summary>Body of <c>POST /api/v1/conversations/{id}/read</c>.</summary>
/// <param name="Seq">The newest seq the caller has read, 0 to the last seq; a marker never moves back, so a lower value changes nothing.</param>
public sealed record ReadRequest(long? Seq);
