using System.Security.Cryptography;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>
/// The storage contract — <see cref="IConversationStore"/>, <see cref="IMessageStore"/> and <see cref="IAccountStore"/>
/// as their XML docs state it — run against every backend by a derived class per provider. The stores are the
/// running server's own; every test makes its own users and conversations, so the tests share a server but no rows.
/// </summary>
public abstract partial class StoreContractTests(StoreFixture fixture) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IChatStore Chat => fixture.Chat;

    private IAccountStore Accounts => fixture.Accounts;

    public ValueTask InitializeAsync()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TryCreateConversationAsync_Group_IsReadBackWithItsMembers()
    {
        var (owner, member) = (await NewUserAsync(), await NewUserAsync());

        var id = await NewGroupAsync([owner, member], updatedAt: 1_000);

        var view = await Chat.GetConversationAsync(id, member, Ct);
        Assert.NotNull(view);
        Assert.Equal((id, ConversationTypes.Group, "group", 0L, 2), (view.Conversation.Id, view.Conversation.Type, view.Conversation.Title, view.Conversation.LastSeq, view.Conversation.MemberCount));
        Assert.Equal((member, MemberRoles.Member), (view.Self.UserId, view.Self.Role));
        Assert.Equal([owner, member], view.MemberIds);
        Assert.Null(view.LastMessage);
    }

    [Fact]
    public async Task TryCreateConversationAsync_SameDirectKeyConcurrently_ExactlyOneCreates()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var key = ChatRules.DirectKey(a, b);

        // Both racers use the pair's id, as the conversation service does: they meet on one shard.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateDirectAsync(a, b)));
        var later = await CreateDirectAsync(b, a);

        Assert.Single(results, created => created);
        Assert.False(later);
        Assert.Equal(2, (await Chat.GetMembersAsync(ChatRules.DirectId(key), Ct)).Count);
        Assert.Single(await Chat.ListConversationsAsync(a, Ct));
    }

    [Fact]
    public async Task FindDirectAsync_ByKey_FindsOnlyThePairsConversation()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        Assert.True(await CreateDirectAsync(a, b));
        var key = ChatRules.DirectKey(b, a);
        var otherKey = ChatRules.DirectKey(a, c);

        var found = await Chat.FindDirectAsync(key, ChatRules.DirectId(key), Ct);
        var missing = await Chat.FindDirectAsync(otherKey, ChatRules.DirectId(otherKey), Ct);

        Assert.Equal((ChatRules.DirectId(key), key, ConversationTypes.Direct), (found?.Id, found?.DirectKey, found?.Type));
        Assert.Null(missing);
    }

    [Fact]
    public async Task GetConversationAsync_NonMemberOrNoSuchConversation_ReturnsNull()
    {
        var (member, outsider) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([member]);

        Assert.Null(await Chat.GetConversationAsync(id, outsider, Ct));
        Assert.Null(await Chat.GetConversationAsync(ChatRules.NewId(), member, Ct));
    }

    [Fact]
    public async Task ListConversationsAsync_ConversationsOnEveryShard_AllNewestFirstThenById()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var ids = IdsOnEveryShard(perShard: 4);
        // Neighbours share an activity time (and lie on different shards), so the id decides between them.
        for (var i = 0; i < ids.Count; i++)
            await NewGroupAsync([other, me], updatedAt: 1_000 + (i / 2 * 100), id: ids[i]);
        var notMine = await NewGroupAsync([other], updatedAt: 9_999);
        var sent = await Chat.AppendAsync([Send(ids[0], me)], createdAt: 50_000, Ct);

        var list = await Chat.ListConversationsAsync(me, Ct);

        Assert.Equal(ids.Count, list.Count);
        Assert.DoesNotContain(notMine, list.Select(v => v.Conversation.Id));
        var expected = list.OrderByDescending(v => v.Conversation.UpdatedAt).ThenBy(v => v.Conversation.Id, StringComparer.Ordinal).Select(v => v.Conversation.Id);
        Assert.Equal(expected, list.Select(v => v.Conversation.Id));
        Assert.Equal(ids.Order(StringComparer.Ordinal), list.Select(v => v.Conversation.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ids[0], list[0].Conversation.Id);
        Assert.Equal(sent[0].Message!.Id, list[0].LastMessage?.Id);
        Assert.All(list.Skip(1), v => Assert.Null(v.LastMessage));
        Assert.All(list, v => Assert.Equal(me, v.Self.UserId));
        Assert.All(list, v => Assert.Equal([other, me], v.MemberIds));
    }

    [Fact]
    public async Task FindMembershipAsync_MemberAndOthers_ReturnsTheRowOnlyForTheMember()
    {
        var (owner, outsider) = (await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([owner]);
        await Chat.AppendAsync([Send(id, owner), Send(id, owner)], createdAt: 2_000, Ct);

        var membership = await Chat.FindMembershipAsync(id, owner, Ct);

        Assert.Equal((owner, MemberRoles.Owner, ConversationTypes.Group, 2L), (membership?.Member.UserId, membership?.Member.Role, membership?.ConversationType, membership?.LastSeq));
        Assert.Null(await Chat.FindMembershipAsync(id, outsider, Ct));
        Assert.Null(await Chat.FindMembershipAsync(ChatRules.NewId(), owner, Ct));
    }

    [Fact]
    public async Task GetRosterAsync_AfterAChange_SeesTheNewMembershipAtOnce()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var id = await NewGroupAsync([a, b]);
        var before = await Chat.GetRosterAsync(id, Ct);

        await ChangeAsync(id, new ConversationChange { Added = [Member(id, c, joinedAt: 5_000)], Removed = [b] });
        var after = await Chat.GetRosterAsync(id, Ct);

        Assert.Equal([a, b], before?.MemberIds);
        Assert.Equal([a, c], after?.MemberIds);
        Assert.True(after!.Contains(c));
        Assert.False(after.Contains(b));
        Assert.Null(await Chat.GetRosterAsync(ChatRules.NewId(), Ct));
    }

    [Fact]
    public async Task GetMembersAsync_MixedJoiningTimes_InJoiningOrderThenByUserId()
    {
        var users = new[] { await NewUserAsync(), await NewUserAsync(), await NewUserAsync(), await NewUserAsync() };
        var joined = new long[] { 3_000, 1_000, 2_000, 1_000 };
        var id = ChatRules.NewId();
        Assert.True(await Chat.TryCreateConversationAsync(Group(id, users.Length, 1_000), [.. users.Select((u, i) => Member(id, u, joinedAt: joined[i]))], Ct));

        var members = await Chat.GetMembersAsync(id, Ct);

        var expected = users.Select((u, i) => (u, joined[i])).OrderBy(m => m.Item2).ThenBy(m => m.u, StringComparer.Ordinal).Select(m => m.u);
        Assert.Equal(expected, members.Select(m => m.UserId));
        Assert.Empty(await Chat.GetMembersAsync(ChatRules.NewId(), Ct));
    }

    /// <summary>A new user with a first session and refresh token, as registration writes them; returns the id.</summary>
    private async Task<string> NewUserAsync(string? username = null)
    {
        var id = ChatRules.NewId();
        var (session, token) = NewSession(id, createdAt: 1_000);
        Assert.True(await Accounts.TryCreateUserAsync(NewUser(id, username ?? "u" + id[^12..]), session, token, Ct));
        return id;
    }

    private static UserEntity NewUser(string id, string username) =>
        new() { Id = id, Username = username, DisplayName = username, PasswordHash = "hash", CreatedAt = 1_000 };

    private static (SessionEntity Session, RefreshTokenEntity Token) NewSession(string userId, long createdAt, long expiresAt = long.MaxValue / 2)
    {
        var session = new SessionEntity { Id = ChatRules.NewId(), UserId = userId, DeviceName = "test", CreatedAt = createdAt, LastUsedAt = createdAt, ExpiresAt = expiresAt };
        return (session, Token(session.Id, generation: 0));
    }

    private static RefreshTokenEntity Token(string sessionId, int generation) =>
        new() { Hash = RandomNumberGenerator.GetBytes(32), SessionId = sessionId, Generation = generation, CreatedAt = 1_000 };

    /// <summary>
    /// A group whose first user is the owner, created at <paramref name="updatedAt"/>; the members join a millisecond
    /// apart in the order given, so that is their joining order. Returns the id.
    /// </summary>
    private async Task<string> NewGroupAsync(string[] users, long updatedAt = 1_000, string? id = null)
    {
        id ??= ChatRules.NewId();
        var members = users.Select((u, i) => Member(id, u, i == 0 ? MemberRoles.Owner : MemberRoles.Member, updatedAt + i)).ToList();
        Assert.True(await Chat.TryCreateConversationAsync(Group(id, users.Length, updatedAt), members, Ct));
        return id;
    }

    private Task<bool> CreateDirectAsync(string a, string b)
    {
        var key = ChatRules.DirectKey(a, b);
        var id = ChatRules.DirectId(key);
        var conversation = new ConversationEntity { Id = id, Type = ConversationTypes.Direct, DirectKey = key, CreatedAt = 1_000, UpdatedAt = 1_000, MemberCount = 2 };
        return Chat.TryCreateConversationAsync(conversation, [Member(id, a), Member(id, b)], Ct);
    }

    private static ConversationEntity Group(string id, int memberCount, long at) =>
        new() { Id = id, Type = ConversationTypes.Group, Title = "group", CreatedAt = at, UpdatedAt = at, MemberCount = memberCount };

    private static MemberEntity Member(string conversationId, string userId, string role = MemberRoles.Member, long joinedAt = 1_000) =>
        new() { ConversationId = conversationId, UserId = userId, Role = role, JoinedAt = joinedAt };

    private static AppendRequest Send(string conversationId, string senderId, string? clientMsgId = null, string text = "hello") =>
        new(conversationId, senderId, clientMsgId ?? ChatRules.NewId(), text, ChatRules.NewId());

    /// <summary>Applies <paramref name="change"/> unconditionally and asserts it succeeded.</summary>
    private async Task ChangeAsync(string conversationId, ConversationChange change)
    {
        var result = await Chat.ChangeConversationAsync<bool>(conversationId, state => new Decision<bool>(true, change), Ct);
        Assert.True(result.IsSuccess, result.Error?.Detail);
    }

    /// <summary>
    /// Fresh conversation ids, <paramref name="perShard"/> on each shard of the store (one shard on SQLite), taking
    /// the shards in turn: shard 0, 1, …, 0, 1, ….
    /// </summary>
    private List<string> IdsOnEveryShard(int perShard)
    {
        var byShard = Enumerable.Range(0, Chat.ShardCount).Select(_ => new List<string>()).ToArray();
        while (byShard.Any(ids => ids.Count < perShard))
        {
            var id = ChatRules.NewId();
            if (byShard[Chat.ShardOf(id)] is { } ids && ids.Count < perShard)
                ids.Add(id);
        }

        return [.. Enumerable.Range(0, perShard).SelectMany(i => byShard.Select(ids => ids[i]))];
    }

    /// <summary>Fresh conversation ids that all lie on one shard.</summary>
    private List<string> IdsOnOneShard(int count)
    {
        var first = ChatRules.NewId();
        var ids = new List<string> { first };
        while (ids.Count < count)
        {
            var id = ChatRules.NewId();
            if (Chat.ShardOf(id) == Chat.ShardOf(first))
                ids.Add(id);
        }

        return ids;
    }
}
