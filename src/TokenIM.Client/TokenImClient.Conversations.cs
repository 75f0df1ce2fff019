using System.Globalization;
using System.Text;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    /// <summary>
    /// The direct conversation with <paramref name="peerId"/>, created if it does not exist yet (<c>POST /conversations</c>:
    /// either side asking gets the same one). Refusals: <c>user_not_found</c>, <c>validation_failed</c> (the caller's own id).
    /// </summary>
    /// <param name="peerId">The other user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ConversationDto> CreateDirectConversationAsync(string peerId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "conversations",
            Json(new CreateConversationRequest(ConversationTypes.Direct, PeerId: peerId), ProtocolJsonContext.Wire.CreateConversationRequest),
            ProtocolJsonContext.Wire.ConversationDto, cancellationToken);

    /// <summary>
    /// Creates a group owned by the caller (<c>POST /conversations</c>). Refusals: <c>validation_failed</c>,
    /// <c>user_not_found</c>, <c>group_full</c>.
    /// </summary>
    /// <param name="title">1–100 characters.</param>
    /// <param name="memberIds">The first members besides the caller; repeats and the caller's own id are ignored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ConversationDto> CreateGroupAsync(string title, IEnumerable<string>? memberIds = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "conversations",
            Json(new CreateConversationRequest(ConversationTypes.Group, Title: title, MemberIds: memberIds?.ToArray() ?? []),
                ProtocolJsonContext.Wire.CreateConversationRequest),
            ProtocolJsonContext.Wire.ConversationDto, cancellationToken);

    /// <summary>Every conversation the caller is a member of, most recently active first (<c>GET /conversations</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<ConversationDto>> GetConversationsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "conversations", null, ProtocolJsonContext.Wire.ConversationList, cancellationToken)
            .ConfigureAwait(false)).Conversations;

    /// <summary>One conversation (<c>GET /conversations/{id}</c>). Refusal: <c>conversation_not_found</c> (also when not a member).</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ConversationDto> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"conversations/{Segment(conversationId)}", null, ProtocolJsonContext.Wire.ConversationDto, cancellationToken);

    /// <summary>
    /// Renames a group (<c>PATCH /conversations/{id}</c>, owners and admins). Refusals: <c>permission_denied</c>,
    /// <c>conversation_is_direct</c>, <c>validation_failed</c>.
    /// </summary>
    /// <param name="conversationId">The group.</param>
    /// <param name="title">1–100 characters.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ConversationDto> RenameGroupAsync(string conversationId, string title, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"conversations/{Segment(conversationId)}",
            Json(new UpdateConversationRequest(title), ProtocolJsonContext.Wire.UpdateConversationRequest),
            ProtocolJsonContext.Wire.ConversationDto, cancellationToken);

    /// <summary>The members with their roles and read markers, in joining order (<c>GET /conversations/{id}/members</c>).</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<MemberDto>> GetMembersAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, $"conversations/{Segment(conversationId)}/members", null, ProtocolJsonContext.Wire.MemberList,
            cancellationToken).ConfigureAwait(false)).Members;

    /// <summary>
    /// Adds users to a group (<c>POST /conversations/{id}/members</c>, owners and admins); users already in it are
    /// skipped. Refusals: <c>permission_denied</c>, <c>user_not_found</c>, <c>group_full</c>, <c>conversation_is_direct</c>.
    /// </summary>
    /// <param name="conversationId">The group.</param>
    /// <param name="userIds">The users to add.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ConversationDto> AddMembersAsync(string conversationId, IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return SendAsync(HttpMethod.Post, $"conversations/{Segment(conversationId)}/members",
            Json(new AddMembersRequest(userIds.ToArray()), ProtocolJsonContext.Wire.AddMembersRequest),
            ProtocolJsonContext.Wire.ConversationDto, cancellationToken);
    }

    /// <summary>
    /// Removes a member from a group, or leaves it when <paramref name="userId"/> is the caller
    /// (<c>DELETE /conversations/{id}/members/{userId}</c>). Refusals: <c>permission_denied</c>, <c>user_not_found</c>
    /// (not a member), <c>conversation_is_direct</c>.
    /// </summary>
    /// <param name="conversationId">The group.</param>
    /// <param name="userId">The member to remove.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"conversations/{Segment(conversationId)}/members/{Segment(userId)}", null, cancellationToken);

    /// <summary>
    /// Sets a member's role (<c>PATCH /conversations/{id}/members/{userId}</c>, owner only); <see cref="MemberRoles.Owner"/>
    /// hands ownership over and makes the caller an admin. Refusals: <c>permission_denied</c>, <c>validation_failed</c>,
    /// <c>user_not_found</c>.
    /// </summary>
    /// <param name="conversationId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="role">One of <see cref="MemberRoles"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MemberDto> SetRoleAsync(string conversationId, string userId, string role, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"conversations/{Segment(conversationId)}/members/{Segment(userId)}",
            Json(new UpdateMemberRequest(role), ProtocolJsonContext.Wire.UpdateMemberRequest),
            ProtocolJsonContext.Wire.MemberDto, cancellationToken);

    /// <summary>
    /// A page of history, ascending by seq (<c>GET /conversations/{id}/messages</c>). Both bounds are exclusive:
    /// neither gives the newest messages; <paramref name="afterSeq"/> the first ones above it; <paramref name="beforeSeq"/>
    /// the last ones below it; both that range from its low end. <see cref="MessagePage.HasMore"/> says whether more lie
    /// beyond the page in the direction asked.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="afterSeq">Exclusive lower bound, or null.</param>
    /// <param name="beforeSeq">Exclusive upper bound, or null.</param>
    /// <param name="limit">1–100; null for the server's default of 50.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessagePage> GetMessagesAsync(string conversationId, long? afterSeq = null, long? beforeSeq = null, int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder($"conversations/{Segment(conversationId)}/messages");
        var separator = '?';
        foreach (var (name, value) in new[] { ("afterSeq", afterSeq), ("beforeSeq", beforeSeq), ("limit", (long?)limit) })
        {
            if (value is not { } number)
                continue;
            path.Append(separator).Append(name).Append('=').Append(number.ToString(CultureInfo.InvariantCulture));
            separator = '&';
        }
        return SendAsync(HttpMethod.Get, path.ToString(), null, ProtocolJsonContext.Wire.MessagePage, cancellationToken);
    }

    /// <summary>
    /// Sends a message over REST (<c>POST /conversations/{id}/messages</c>) and returns it once it is durably stored.
    /// Idempotent on <paramref name="clientMsgId"/>: after a failure (network, <c>internal_error</c>, <c>rate_limited</c>
    /// after <see cref="TokenImApiException.RetryAfter"/>) retry with the same value; a retry of a stored message returns
    /// the original. Refusals: <c>validation_failed</c>, <c>conversation_not_found</c>, <c>rate_limited</c>.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="text">1–4,000 characters, at most 16 KiB of UTF-8, not only white space.</param>
    /// <param name="clientMsgId">1–64 printable ASCII characters; null for a new random one (then a retry cannot be matched).</param>
    /// <param name="cancellationToken">Cancels the request (the message may still have been stored).</param>
    public Task<MessageDto> SendMessageAsync(string conversationId, string text, string? clientMsgId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(conversationId, new SendMessageRequest(clientMsgId, text), cancellationToken);

    /// <summary>
    /// Sends a message with any of the send's fields: a reply (<see cref="SendMessageRequest.ReplyToId"/>), a forward
    /// (<see cref="SendMessageRequest.ForwardOf"/>, without text), a file (<see cref="SendMessageRequest.AttachmentId"/>,
    /// the text then optional). A null <see cref="SendMessageRequest.ClientMsgId"/> gets a new one. Further refusals:
    /// <c>message_not_found</c>, <c>message_recalled</c>, <c>attachment_not_found</c>, <c>attachment_in_use</c>,
    /// <c>blocked_by_user</c>.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="request">The send.</param>
    /// <param name="cancellationToken">Cancels the request (the message may still have been stored).</param>
    public Task<MessageDto> SendMessageAsync(string conversationId, SendMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(HttpMethod.Post, $"conversations/{Segment(conversationId)}/messages",
            Json(request with { ClientMsgId = request.ClientMsgId ?? NewClientMsgId() }, ProtocolJsonContext.Wire.SendMessageRequest),
            ProtocolJsonContext.Wire.MessageDto, cancellationToken);
    }

    /// <summary>
    /// Moves the caller's read marker forward to <paramref name="seq"/> (<c>POST /conversations/{id}/read</c>); a lower
    /// value changes nothing. Members get a <c>receipt</c>. Refusal: <c>validation_failed</c> (above the last seq).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The newest seq read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task MarkReadAsync(string conversationId, long seq, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"conversations/{Segment(conversationId)}/read",
            Json(new ReadRequest(seq), ProtocolJsonContext.Wire.ReadRequest), cancellationToken);

    /// <summary>A fresh idempotency key for a send: a UUID without dashes (32 characters).</summary>
    public static string NewClientMsgId() => Guid.NewGuid().ToString("N");
}
