using Microsoft.Extensions.Options;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>Creating, listing, reading and renaming conversations.</summary>
internal sealed class ConversationService(
    IConversationStore store, IAccountStore accounts, ChatEvents events, RealtimeService realtime, TimeProvider time, IOptions<TokenImOptions> options)
{
    private readonly int _maxGroupMembers = options.Value.Limits.MaxGroupMembers;

    /// <summary>
    /// Creates a direct conversation (or finds the pair's existing one: <c>Created</c> is false then) or a group.
    /// Group member ids are deduplicated and the creator is dropped from them (the creator joins as owner); ids of
    /// users that do not exist fail the whole request with <c>user_not_found</c>, whose detail lists every one of them.
    /// </summary>
    public async Task<Result<(ConversationDto Conversation, bool Created)>> CreateAsync(
        string userId, CreateConversationRequest request, CancellationToken cancellationToken) =>
        request.Type switch
        {
            ConversationTypes.Direct => await CreateDirectAsync(userId, request.PeerId, cancellationToken),
            ConversationTypes.Group => await CreateGroupAsync(userId, request.Title, request.MemberIds, cancellationToken),
            _ => Failure.Validation("type", $"type is \"{ConversationTypes.Direct}\" or \"{ConversationTypes.Group}\"."),
        };

    public async Task<ConversationList> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var views = await store.ListConversationsAsync(userId, cancellationToken);
        return new ConversationList([.. views.Select(v => v.ToDto())]);
    }

    public async Task<Result<ConversationDto>> GetAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        var view = await store.GetConversationAsync(conversationId, userId, cancellationToken);
        return view is null ? ChatFailures.ConversationNotFound : view.ToDto();
    }

    /// <summary>Renames a group (owners and admins). Membership is checked before the body, so nothing leaks to outsiders.</summary>
    public async Task<Result<ConversationDto>> RenameAsync(
        string userId, string conversationId, UpdateConversationRequest request, CancellationToken cancellationToken)
    {
        var membership = await store.FindMembershipAsync(conversationId, userId, cancellationToken);
        if (membership is null)
            return ChatFailures.ConversationNotFound;
        if (membership.ConversationType == ConversationTypes.Direct)
            return ChatFailures.IsDirect;
        if (!GroupRules.CanManage(membership.Member.Role))
            return ChatFailures.PermissionDenied("rename this group");
        var title = ChatRules.NormalizeTitle(request.Title, out var error);
        if (error is not null)
            return Failure.Validation("title", error);

        var renamed = await store.ChangeConversationAsync<bool>(conversationId, state =>
        {
            // Checked again inside the transaction: the role may have changed since the first look.
            var me = state?.Members.FirstOrDefault(m => m.UserId == userId);
            if (me is null)
                return ChatFailures.ConversationNotFound;
            if (!GroupRules.CanManage(me.Role))
                return ChatFailures.PermissionDenied("rename this group");
            return new Decision<bool>(true, new ConversationChange { NewTitle = title });
        }, cancellationToken);
        if (renamed.Error is not null)
            return renamed.Error;
        await events.ConversationChangedAsync(ConversationEvents.Updated, conversationId, [], CancellationToken.None);
        return await GetAsync(userId, conversationId, cancellationToken);
    }

    private async Task<Result<(ConversationDto, bool)>> CreateDirectAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(peerId))
            return Failure.Validation("peerId", "peerId is required for a direct conversation.");
        if (peerId == userId)
            return Failure.Validation("peerId", "A direct conversation is with another user.");
        if (await accounts.FindUserAsync(peerId, cancellationToken) is null)
            return ChatFailures.UserNotFound([peerId]);

        var key = ChatRules.DirectKey(userId, peerId);
        var id = ChatRules.DirectId(key);
        var existing = await store.FindDirectAsync(key, id, cancellationToken);
        if (existing is null)
        {
            var now = Now();
            var conversation = new ConversationEntity
            {
                Id = id,
                Type = ConversationTypes.Direct,
                DirectKey = key,
                CreatedAt = now,
                UpdatedAt = now,
                MemberCount = 2,
            };
            MemberEntity[] members = [NewMember(conversation.Id, userId, MemberRoles.Member, now), NewMember(conversation.Id, peerId, MemberRoles.Member, now)];
            if (await store.TryCreateConversationAsync(conversation, members, cancellationToken, actorId: userId))
            {
                await events.ConversationChangedAsync(ConversationEvents.Created, conversation.Id, [], CancellationToken.None);
                await realtime.ShareOnlineStateAsync(conversation.Id, CancellationToken.None);
                return await ViewAsync(userId, conversation.Id, created: true, cancellationToken);
            }

            // A concurrent request created the pair's conversation first (the unique DirectKey refused ours): answer with it.
            existing = await store.FindDirectAsync(key, id, cancellationToken)
                ?? throw new InvalidOperationException("The direct key was taken but its conversation is not there.");
        }

        return await ViewAsync(userId, existing.Id, created: false, cancellationToken);
    }

    private async Task<Result<(ConversationDto, bool)>> CreateGroupAsync(
        string userId, string? title, IReadOnlyList<string>? memberIds, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var normalizedTitle = ChatRules.NormalizeTitle(title, out var titleError);
        if (titleError is not null)
            errors["title"] = [titleError];
        memberIds ??= [];
        if (memberIds.Any(string.IsNullOrEmpty))
            errors["memberIds"] = ["Every member id is a non-empty string."];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var others = memberIds.Where(id => id != userId).Distinct(StringComparer.Ordinal).ToList();
        if (others.Count + 1 > _maxGroupMembers)
            return ChatFailures.GroupFull(_maxGroupMembers);
        var missing = await FindMissingUsersAsync(accounts, others, cancellationToken);
        if (missing.Count > 0)
            return ChatFailures.UserNotFound(missing);

        var now = Now();
        var conversation = new ConversationEntity
        {
            Id = ChatRules.NewId(),
            Type = ConversationTypes.Group,
            Title = normalizedTitle,
            CreatedAt = now,
            UpdatedAt = now,
            MemberCount = others.Count + 1,
        };
        var members = others.Select(id => NewMember(conversation.Id, id, MemberRoles.Member, now)).Prepend(NewMember(conversation.Id, userId, MemberRoles.Owner, now)).ToList();
        await store.TryCreateConversationAsync(conversation, members, cancellationToken, actorId: userId);
        await events.ConversationChangedAsync(ConversationEvents.Created, conversation.Id, [], CancellationToken.None);
        await realtime.ShareOnlineStateAsync(conversation.Id, CancellationToken.None);
        return await ViewAsync(userId, conversation.Id, created: true, cancellationToken);
    }

    /// <summary>The ids among <paramref name="userIds"/> that name no user, in the order given.</summary>
    internal static async Task<List<string>> FindMissingUsersAsync(IAccountStore accounts, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
            return [];
        var found = (await accounts.FindUsersAsync(userIds, cancellationToken)).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        return [.. userIds.Where(id => !found.Contains(id))];
    }

    internal static MemberEntity NewMember(string conversationId, string userId, string role, long joinedAt, long readSeq = 0) =>
        new() { ConversationId = conversationId, UserId = userId, Role = role, JoinedAt = joinedAt, ReadSeq = readSeq };

    private async Task<Result<(ConversationDto, bool)>> ViewAsync(string userId, string conversationId, bool created, CancellationToken cancellationToken)
    {
        // Null only if the caller left in the meantime: then it is not theirs to see any more.
        var view = await store.GetConversationAsync(conversationId, userId, cancellationToken);
        return view is null ? ChatFailures.ConversationNotFound : (view.ToDto(), created);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
