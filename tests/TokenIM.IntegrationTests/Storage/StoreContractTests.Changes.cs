using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of membership changes, read markers and the presence audience.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task ChangeConversationAsync_AddRemoveRolesAndTitle_AppliesThemTogether()
    {
        var (owner, a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([owner, a, b]);
        ConversationState? seen = null;

        var result = await Chat.ChangeConversationAsync<int>(id, state =>
        {
            seen = state;
            // Roles apply after additions: the new member can be given one in the same change.
            var change = new ConversationChange
            {
                NewTitle = "renamed",
                Added = [Member(id, c, joinedAt: 2_000)],
                Removed = [b],
                Roles = new Dictionary<string, string> { [a] = MemberRoles.Admin, [c] = MemberRoles.Admin },
            };
            return new Decision<int>(42, change);
        }, Ct);

        Assert.Equal(42, result.Value);
        Assert.Equal([owner, a, b], seen?.Members.Select(m => m.UserId));
        Assert.Equal([(owner, MemberRoles.Owner), (a, MemberRoles.Admin), (c, MemberRoles.Admin)], (await Chat.GetMembersAsync(id, Ct)).Select(m => (m.UserId, m.Role)));
        var view = await Chat.GetConversationAsync(id, c, Ct);
        Assert.Equal(("renamed", 3), (view?.Conversation.Title, view?.Conversation.MemberCount));
        Assert.Null(await Chat.GetConversationAsync(id, b, Ct));
        Assert.Empty(await Chat.ListConversationsAsync(b, Ct));
        Assert.Equal([id], (await Chat.ListConversationsAsync(c, Ct)).Select(v => v.Conversation.Id));
    }

    [Fact]
    public async Task ChangeConversationAsync_DecisionFails_WritesNothing()
    {
        var (owner, a, b) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([owner, a]);

        var result = await Chat.ChangeConversationAsync<bool>(id, state =>
        {
            // A decision that edits what it was shown must not leak into the database either.
            state!.Conversation.Title = "leaked";
            state.Members[0].Role = MemberRoles.Member;
            return new Failure(ErrorCode.PermissionDenied, "no");
        }, Ct);

        Assert.Equal(ErrorCode.PermissionDenied, result.Error?.Code);
        Assert.Equal([(owner, MemberRoles.Owner), (a, MemberRoles.Member)], (await Chat.GetMembersAsync(id, Ct)).Select(m => (m.UserId, m.Role)));
        Assert.Equal(("group", 2), ((await Chat.GetConversationAsync(id, owner, Ct))?.Conversation.Title, (await Chat.GetConversationAsync(id, owner, Ct))?.Conversation.MemberCount));
        Assert.Empty(await Chat.ListConversationsAsync(b, Ct));
    }

    [Fact]
    public async Task ChangeConversationAsync_NoChange_ReturnsTheValueAndWritesNothing()
    {
        var owner = await NewUserAsync();
        var id = await NewGroupAsync([owner]);

        var result = await Chat.ChangeConversationAsync<string>(id, state => new Decision<string>("unchanged", null), Ct);

        Assert.Equal("unchanged", result.Value);
        Assert.Equal([owner], (await Chat.GetMembersAsync(id, Ct)).Select(m => m.UserId));
    }

    [Fact]
    public async Task ChangeConversationAsync_NoSuchConversation_DecisionGetsNull()
    {
        var calls = new List<ConversationState?>();

        var result = await Chat.ChangeConversationAsync<bool>(ChatRules.NewId(), state =>
        {
            calls.Add(state);
            return new Failure(ErrorCode.ConversationNotFound, "none");
        }, Ct);

        Assert.Equal([null], calls);
        Assert.Equal(ErrorCode.ConversationNotFound, result.Error?.Code);
    }

    [Fact]
    public async Task ChangeConversationAsync_ConcurrentAdditions_EachSeesThePreviousOnes()
    {
        var owner = await NewUserAsync();
        var joiners = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => NewUserAsync()));
        var id = await NewGroupAsync([owner]);

        // Each decision counts the members it was shown: serialized changes see 1, 2, …, 6 of them, each once.
        var counts = await Task.WhenAll(joiners.Select(joiner => Chat.ChangeConversationAsync<int>(id, state =>
            new Decision<int>(state!.Members.Count, new ConversationChange { Added = [Member(id, joiner, joinedAt: 2_000)] }), Ct)));

        Assert.Equal(Enumerable.Range(1, joiners.Length), counts.Select(c => c.Value).Order());
        Assert.Equal(joiners.Length + 1, (await Chat.GetMembersAsync(id, Ct)).Count);
        Assert.Equal(joiners.Length + 1, (await Chat.GetConversationAsync(id, owner, Ct))?.Conversation.MemberCount);
    }

    [Fact]
    public async Task AdvanceReadSeqAsync_LowerOrEqualSeq_NeverMovesBack()
    {
        var (member, outsider) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([member]);

        var up = await Chat.AdvanceReadSeqAsync(id, member, 5, Ct);
        var down = await Chat.AdvanceReadSeqAsync(id, member, 3, Ct);
        var same = await Chat.AdvanceReadSeqAsync(id, member, 5, Ct);
        var stranger = await Chat.AdvanceReadSeqAsync(id, outsider, 9, Ct);

        Assert.Equal((true, false, false, false), (up, down, same, stranger));
        Assert.Equal(5, (await Chat.FindMembershipAsync(id, member, Ct))?.Member.ReadSeq);
    }

    [Fact]
    public async Task AdvanceReadSeqAsync_ConcurrentMarkers_EndAtTheHighest()
    {
        var member = await NewUserAsync();
        var id = await NewGroupAsync([member]);

        await Task.WhenAll(Enumerable.Range(1, 20).Reverse().Select(seq => Chat.AdvanceReadSeqAsync(id, member, seq, Ct)));

        Assert.Equal(20, (await Chat.FindMembershipAsync(id, member, Ct))?.Member.ReadSeq);
    }

    [Fact]
    public async Task GetPresenceAudienceAsync_DirectAndGroups_SmallGroupsOnlyEachOnceNeverTheUser()
    {
        var me = await NewUserAsync();
        var (peer, friend, colleague, stranger) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        Assert.True(await CreateDirectAsync(me, peer));
        await NewGroupAsync([me, peer, friend]);
        await NewGroupAsync([friend, me]);
        // Above the limit of 3: its members hear of me only through smaller conversations.
        await NewGroupAsync([colleague, me, stranger, friend]);

        var audience = await Chat.GetPresenceAudienceAsync(me, maxGroupSize: 3, Ct);

        Assert.Equal(new[] { peer, friend }.Order(StringComparer.Ordinal), audience.Order(StringComparer.Ordinal));
        Assert.Empty(await Chat.GetPresenceAudienceAsync(await NewUserAsync(), maxGroupSize: 3, Ct));
    }
}
