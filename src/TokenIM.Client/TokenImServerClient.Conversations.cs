using System.Globalization;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImServerClient
{
    /// <summary>
    /// Creates a group or a direct conversation as <see cref="ServerCreateConversationRequest.CreatorId"/> (scope
    /// <c>conversations:write</c>), with the user API's rules; its members hear of it live. For a direct pair that
    /// already has one, the existing conversation comes back.
    /// </summary>
    /// <param name="request">The type, the creator and the members (group) or the peer (direct).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerConversationDto> CreateConversationAsync(ServerCreateConversationRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "conversations", Json(request, s_json.ServerCreateConversationRequest), s_json.ServerConversationDto, cancellationToken);

    /// <summary>A conversation with every member and role (scope <c>conversations:read</c>); <c>conversation_not_found</c> when there is none.</summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerConversationDto> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"conversations/{Segment(conversationId)}", null, s_json.ServerConversationDto, cancellationToken);

    /// <summary>
    /// Adds users to a group (scope <c>conversations:write</c>): as <paramref name="actorId"/>, whose role must allow
    /// it, or as the app (no actor), which no role binds. The group size limit holds either way; users already in it are ignored.
    /// </summary>
    /// <param name="conversationId">The group's id.</param>
    /// <param name="userIds">The users to add.</param>
    /// <param name="actorId">The member on whose behalf they are added; null: the app itself.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerConversationDto> AddMembersAsync(
        string conversationId, IReadOnlyList<string> userIds, string? actorId = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Post,
            $"conversations/{Segment(conversationId)}/members",
            Json(new ServerAddMembersRequest(userIds, actorId), s_json.ServerAddMembersRequest),
            s_json.ServerConversationDto,
            cancellationToken);

    /// <summary>Removes a member of a group, whatever its role (scope <c>conversations:write</c>); an owner's leaving passes ownership on.</summary>
    /// <param name="conversationId">The group's id.</param>
    /// <param name="userId">The member to remove.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"conversations/{Segment(conversationId)}/members/{Segment(userId)}", null, cancellationToken);

    /// <summary>
    /// Sends a message as <paramref name="senderId"/>, a member and not disabled — a user or a bot (scope
    /// <c>messages:write</c>). Resending with the same <paramref name="clientMsgId"/> returns the original, so retry a
    /// failed call with the same one. Refusals as the user API's send, plus <c>message_rejected</c> (the before-send
    /// hook said no: do not resend unchanged) and <c>hook_unavailable</c> (retry later with the same clientMsgId).
    /// </summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <param name="senderId">The sending member's user id.</param>
    /// <param name="clientMsgId">The idempotency key, 1–64 printable ASCII characters (a UUID is ideal).</param>
    /// <param name="text">1–4,000 characters.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessageDto> SendMessageAsync(
        string conversationId, string senderId, string clientMsgId, string text, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Post,
            $"conversations/{Segment(conversationId)}/messages",
            Json(new ServerSendMessageRequest(senderId, clientMsgId, text), s_json.ServerSendMessageRequest),
            s_json.MessageDto,
            cancellationToken);

    /// <summary>
    /// A page of a conversation's history, ascending by seq (scope <c>conversations:read</c>), paged as the user API
    /// pages it: no bound gives the newest <paramref name="limit"/>; page on with <paramref name="afterSeq"/> or
    /// <paramref name="beforeSeq"/> while <see cref="MessagePage.HasMore"/>.
    /// </summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <param name="afterSeq">Only messages above this seq.</param>
    /// <param name="beforeSeq">Only messages below this seq.</param>
    /// <param name="limit">At most this many (1–100; the server's default is 50).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MessagePage> GetMessagesAsync(
        string conversationId, long? afterSeq = null, long? beforeSeq = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>(3);
        if (afterSeq is { } after)
            query.Add("afterSeq=" + after.ToString(CultureInfo.InvariantCulture));
        if (beforeSeq is { } before)
            query.Add("beforeSeq=" + before.ToString(CultureInfo.InvariantCulture));
        if (limit is { } take)
            query.Add("limit=" + take.ToString(CultureInfo.InvariantCulture));
        var path = $"conversations/{Segment(conversationId)}/messages" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        return SendAsync(HttpMethod.Get, path, null, s_json.MessagePage, cancellationToken);
    }
}
