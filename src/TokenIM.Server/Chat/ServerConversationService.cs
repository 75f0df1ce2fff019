using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// The server API's conversations, members and messages: the app's backend acting for its users and bots. Every
/// rule is the user API's (the same services do the work); what differs is who acts: a named user (who must exist
/// and not be disabled), or the app itself, which no member's role binds.
/// </summary>
internal sealed class ServerConversationService(
    ConversationService conversations, MembershipService membership, MessageService messages, IConversationStore store, IAccountStore accounts)
{
    private static readonly Failure s_actorDisabled = new(ErrorCode.UserDisabled, "That user is disabled and cannot act.");

    /// <summary>Creates a conversation as <c>creatorId</c>; <c>Created</c> is false for a direct pair's existing one.</summary>
    public async Task<Result<(ServerConversationDto Conversation, bool Created)>> CreateAsync(
        ServerCreateConversationRequest request, CancellationToken cancellationToken)
    {
        if (await CheckActorAsync("creatorId", request.CreatorId, cancellationToken) is { } failure)
            return failure;
        var created = await conversations.CreateAsync(
            request.CreatorId!, new CreateConversationRequest(request.Type, request.PeerId, request.Title, request.MemberIds), cancellationToken);
        if (created.Error is not null)
            return created.Error;
        var view = await GetAsync(created.Value.Conversation.Id, cancellationToken);
        return view.IsSuccess ? (view.Value!, created.Value.Created) : view.Error!;
    }

    public async Task<Result<ServerConversationDto>> GetAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (await store.FindConversationAsync(conversationId, cancellationToken) is not { } conversation)
            return ChatFailures.ConversationNotFound;
        var members = await store.GetMembersAsync(conversationId, cancellationToken);
        return new ServerConversationDto(
            conversation.Id,
            conversation.Type,
            conversation.Title,
            [.. members.Select(m => m.ToDto())],
            conversation.LastSeq,
            ChatMapping.Time(conversation.CreatedAt),
            ChatMapping.Time(conversation.UpdatedAt));
    }

    /// <summary>Adds members as <c>actorId</c> (whose role must allow it), or as the app when there is no actor.</summary>
    public async Task<Result<ServerConversationDto>> AddMembersAsync(
        string conversationId, ServerAddMembersRequest request, CancellationToken cancellationToken)
    {
        if (request.ActorId is not null && await CheckActorAsync("actorId", request.ActorId, cancellationToken) is { } failure)
            return failure;
        var added = await membership.AddAsync(request.ActorId, conversationId, new AddMembersRequest(request.UserIds), cancellationToken);
        if (added.Error is not null)
            return added.Error;
        return await GetAsync(conversationId, cancellationToken);
    }

    /// <summary>Removes a member as the app: any role; an owner's leaving passes ownership on.</summary>
    public Task<Outcome> RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken) =>
        membership.RemoveMemberAsync(null, conversationId, userId, cancellationToken);

    /// <summary>Sends as <c>senderId</c>, who must be a member and not disabled: the user API's send in every other respect.</summary>
    public async Task<Result<(MessageDto Message, bool Created)>> SendAsync(
        string conversationId, ServerSendMessageRequest request, CancellationToken cancellationToken)
    {
        if (await CheckActorAsync("senderId", request.SenderId, cancellationToken) is { } failure)
            return failure;
        return await messages.SendAsync(request.SenderId!, conversationId, new SendMessageRequest(request.ClientMsgId, request.Text), cancellationToken);
    }

    /// <summary>The app reads any conversation's history, paged as the user API pages it.</summary>
    public Task<Result<MessagePage>> GetMessagesAsync(
        string conversationId, long? afterSeq, long? beforeSeq, int? limit, CancellationToken cancellationToken) =>
        messages.GetPageAsync(null, conversationId, afterSeq, beforeSeq, limit, cancellationToken);

    /// <summary>The user the app acts as must be named, exist and not be disabled.</summary>
    private async Task<Failure?> CheckActorAsync(string field, string? userId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId))
            return Failure.Validation(field, $"{field} names the user on whose behalf this is done.");
        var user = await accounts.FindUserAsync(userId, cancellationToken);
        if (user is null)
            return ServerUserService.NotFound;
        return user.DisabledAt is null ? null : s_actorDisabled;
    }
}
