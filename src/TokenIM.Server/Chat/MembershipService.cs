using Microsoft.Extensions.Options;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Group membership by role. Each change is decided inside the store's transaction from the membership as it is
/// then, so two concurrent changes cannot both pass a check that only one of them should (the member limit, the
/// single owner). The caller's membership is always checked first: outsiders learn nothing, not even the type.
/// </summary>
internal sealed class MembershipService(
    IConversationStore store, IAccountStore accounts, ChatEvents events, RealtimeService realtime, TimeProvider time, IOptions<TokenImOptions> options)
{
    private readonly int _maxGroupMembers = options.Value.Limits.MaxGroupMembers;

    public async Task<Result<MemberList>> GetMembersAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (await store.FindMembershipAsync(conversationId, userId, cancellationToken) is null)
            return ChatFailures.ConversationNotFound;
        var members = await store.GetMembersAsync(conversationId, cancellationToken);
        return new MemberList([.. members.Select(m => m.ToDto())]);
    }

    /// <summary>
    /// Adds users to a group (owners and admins). Users already in it are ignored; the new ones join as members with
    /// their read marker at the current last seq, so the history before they joined does not count as unread.
    /// </summary>
    public async Task<Result<ConversationDto>> AddMembersAsync(
        string userId, string conversationId, AddMembersRequest request, CancellationToken cancellationToken)
    {
        var added = await AddAsync(userId, conversationId, request, cancellationToken);
        if (added.Error is not null)
            return added.Error;
        var view = await store.GetConversationAsync(conversationId, userId, cancellationToken);
        return view is null ? ChatFailures.ConversationNotFound : view.ToDto();
    }

    /// <summary>
    /// <see cref="AddMembersAsync"/> without the caller's view; a null <paramref name="userId"/> is the app's backend
    /// (server API), which no role binds: the group size limit and "a direct conversation never changes" still hold.
    /// </summary>
    public async Task<Outcome> AddAsync(string? userId, string conversationId, AddMembersRequest request, CancellationToken cancellationToken)
    {
        var failure = await CheckGroupRoleAsync(userId, conversationId, GroupRules.CanManage, "add members", cancellationToken);
        if (failure is not null)
            return failure;
        if (request.UserIds is not { Count: > 0 } userIds || userIds.Any(string.IsNullOrEmpty))
            return Failure.Validation("userIds", "userIds lists at least one user id, each a non-empty string.");
        var candidates = userIds.Distinct(StringComparer.Ordinal).ToList();
        if (candidates.Count > _maxGroupMembers)
            return ChatFailures.GroupFull(_maxGroupMembers);
        var missing = await ConversationService.FindMissingUsersAsync(accounts, candidates, cancellationToken);
        if (missing.Count > 0)
            return ChatFailures.UserNotFound(missing);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var added = await store.ChangeConversationAsync<bool>(conversationId, state =>
        {
            var me = state?.Members.FirstOrDefault(m => m.UserId == userId);
            if (state is null || (userId is not null && me is null))
                return ChatFailures.ConversationNotFound;
            if (me is not null && !GroupRules.CanManage(me.Role))
                return ChatFailures.PermissionDenied("add members");
            var present = state.Members.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
            var newcomers = candidates
                .Where(id => !present.Contains(id))
                .Select(id => ConversationService.NewMember(conversationId, id, MemberRoles.Member, now, state.Conversation.LastSeq))
                .ToList();
            if (state.Members.Count + newcomers.Count > _maxGroupMembers)
                return ChatFailures.GroupFull(_maxGroupMembers);
            return new Decision<bool>(newcomers.Count > 0, newcomers.Count == 0 ? null : new ConversationChange { Added = newcomers });
        }, cancellationToken);
        if (added.Error is not null)
            return added.Error;
        if (added.Value)
        {
            await events.ConversationChangedAsync(ConversationEvents.MemberAdded, conversationId, [], CancellationToken.None);
            await realtime.ShareOnlineStateAsync(conversationId, CancellationToken.None);
        }
        return Outcome.Ok;
    }

    /// <summary>
    /// Removes a member, or the caller leaves (any role). The owner may remove anyone, an admin plain members only.
    /// When the owner goes, the longest-standing admin becomes owner, else the longest-standing member; the last
    /// member may leave too, and the group then stays, without members. A null <paramref name="userId"/> is the app's
    /// backend (server API), which may remove anyone; ownership passes on as when the owner leaves.
    /// </summary>
    public async Task<Outcome> RemoveMemberAsync(string? userId, string conversationId, string targetUserId, CancellationToken cancellationToken)
    {
        var failure = await CheckGroupRoleAsync(userId, conversationId, static _ => true, "remove members", cancellationToken);
        if (failure is not null)
            return failure;

        var removed = await store.ChangeConversationAsync<bool>(conversationId, state =>
        {
            var me = state?.Members.FirstOrDefault(m => m.UserId == userId);
            if (state is null || (userId is not null && me is null))
                return ChatFailures.ConversationNotFound;
            var target = state.Members.FirstOrDefault(m => m.UserId == targetUserId);
            if (target is null)
                return ChatFailures.NotAMember;
            if (me is not null && !GroupRules.CanRemove(me.Role, target.Role, isSelf: target == me))
                return ChatFailures.PermissionDenied("remove this member");
            var roles = new Dictionary<string, string>();
            if (target.Role == MemberRoles.Owner && GroupRules.ChooseSuccessor(state.Members.Where(m => m != target)) is { } heir)
                roles[heir.UserId] = MemberRoles.Owner;
            return new Decision<bool>(true, new ConversationChange { Removed = [target.UserId], Roles = roles });
        }, cancellationToken);
        if (removed.Error is not null)
            return removed.Error;
        await events.ConversationChangedAsync(ConversationEvents.MemberRemoved, conversationId, [targetUserId], CancellationToken.None);
        return Outcome.Ok;
    }

    /// <summary>
    /// Sets a member's role (owner only). <c>owner</c> hands ownership over: the caller becomes an admin. The owner
    /// cannot demote themselves, since a group with members always has an owner; they hand ownership over instead.
    /// </summary>
    public async Task<Result<MemberDto>> SetRoleAsync(
        string userId, string conversationId, string targetUserId, UpdateMemberRequest request, CancellationToken cancellationToken)
    {
        var failure = await CheckGroupRoleAsync(userId, conversationId, static role => role == MemberRoles.Owner, "change roles", cancellationToken);
        if (failure is not null)
            return failure;
        var role = request.Role;
        if (!ChatRules.IsRole(role))
            return Failure.Validation("role", $"role is \"{MemberRoles.Owner}\", \"{MemberRoles.Admin}\" or \"{MemberRoles.Member}\".");

        var changed = await store.ChangeConversationAsync<MemberDto>(conversationId, state =>
        {
            var me = state?.Members.FirstOrDefault(m => m.UserId == userId);
            if (state is null || me is null)
                return ChatFailures.ConversationNotFound;
            if (me.Role != MemberRoles.Owner)
                return ChatFailures.PermissionDenied("change roles");
            var target = state.Members.FirstOrDefault(m => m.UserId == targetUserId);
            if (target is null)
                return ChatFailures.NotAMember;
            var result = new MemberDto(target.UserId, role!, ChatMapping.Time(target.JoinedAt), target.ReadSeq);
            if (target == me)
            {
                return role == MemberRoles.Owner
                    ? new Decision<MemberDto>(result, null)
                    : Failure.Validation("role", "The owner cannot step down; make another member the owner instead.");
            }

            var roles = new Dictionary<string, string> { [target.UserId] = role! };
            if (role == MemberRoles.Owner)
                roles[me.UserId] = MemberRoles.Admin;
            return new Decision<MemberDto>(result, new ConversationChange { Roles = roles });
        }, cancellationToken);
        if (changed.IsSuccess)
            await events.ConversationChangedAsync(ConversationEvents.Updated, conversationId, [], CancellationToken.None);
        return changed;
    }

    /// <summary>
    /// Membership first (404 for outsiders), then the conversation kind (409 for direct), then the role (403). A null
    /// <paramref name="userId"/> (the app's backend) needs only the conversation to exist and be a group.
    /// </summary>
    private async Task<Failure?> CheckGroupRoleAsync(
        string? userId, string conversationId, Func<string, bool> allowed, string action, CancellationToken cancellationToken)
    {
        if (userId is null)
        {
            var conversation = await store.FindConversationAsync(conversationId, cancellationToken);
            return conversation is null ? ChatFailures.ConversationNotFound
                : conversation.Type == ConversationTypes.Direct ? ChatFailures.IsDirect
                : null;
        }

        var membership = await store.FindMembershipAsync(conversationId, userId, cancellationToken);
        if (membership is null)
            return ChatFailures.ConversationNotFound;
        if (membership.ConversationType == ConversationTypes.Direct)
            return ChatFailures.IsDirect;
        return allowed(membership.Member.Role) ? null : ChatFailures.PermissionDenied(action);
    }
}
