using TokenIM.Client;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>Conversations, members and messages through the server API, on behalf of users and bots, driven by the SDK.</summary>
public sealed class ServerConversationsTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static async Task<TokenImApiException> RefusedAsync(Func<Task> call, ErrorCode expected)
    {
        var error = await Assert.ThrowsAsync<TokenImApiException>(call);
        Assert.Equal(expected.Code, error.Code);
        Assert.Equal(expected.Status, error.Status);
        return error;
    }

    private async Task<(TokenImServerClient Server, ServerUserDto Owner, ServerUserDto Member, ServerConversationDto Group)> GroupAsync()
    {
        var server = await factory.ServerClientAsync();
        var owner = await server.CreateUserAsync(factory);
        var member = await server.CreateUserAsync(factory);
        var group = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Group, owner.Id, [member.Id], Title: "Team"));
        return (server, owner, member, group);
    }

    [Fact]
    public async Task CreateConversation_Group_CreatorOwnsItAndTheUserSeesIt()
    {
        using var server = await factory.ServerClientAsync();
        var alice = await factory.RegisterAsync();
        var bot = await server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("bot"), "Helper", IsBot: true));

        var group = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Group, bot.Id, [alice.Id], Title: "Support"));

        Assert.Equal(ConversationTypes.Group, group.Type);
        Assert.Equal("Support", group.Title);
        // Members who joined in the same millisecond are listed by user id.
        Assert.Equal(
            new[] { (bot.Id, MemberRoles.Owner), (alice.Id, MemberRoles.Member) }.Order(),
            group.Members.Select(m => (m.UserId, m.Role)).Order());
        var read = await server.GetConversationAsync(group.Id);
        Assert.Equal((group.Id, group.Type, group.Title, group.LastSeq, group.CreatedAt), (read.Id, read.Type, read.Title, read.LastSeq, read.CreatedAt));
        Assert.Equal(group.Members, read.Members);
        Assert.Equal("Support", (await alice.GetConversationAsync(group.Id)).Title);
    }

    [Fact]
    public async Task CreateConversation_DirectTwice_SameConversation()
    {
        using var server = await factory.ServerClientAsync();
        var a = await server.CreateUserAsync(factory);
        var b = await server.CreateUserAsync(factory);

        var first = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Direct, a.Id, PeerId: b.Id));
        var again = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Direct, b.Id, PeerId: a.Id));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, first.Members.Count);
    }

    [Fact]
    public async Task CreateConversation_NoCreatorUnknownCreatorDisabledCreator_400_404_403()
    {
        using var server = await factory.ServerClientAsync();
        var disabled = await server.CreateUserAsync(factory);
        await server.DisableUserAsync(disabled.Id);

        var missing = await RefusedAsync(() => server.CreateConversationAsync(new(ConversationTypes.Group, null, Title: "x")), ErrorCode.ValidationFailed);
        Assert.Contains("creatorId", missing.Errors!.Keys);
        await RefusedAsync(() => server.CreateConversationAsync(new(ConversationTypes.Group, "no-such-user", Title: "x")), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.CreateConversationAsync(new(ConversationTypes.Group, disabled.Id, Title: "x")), ErrorCode.UserDisabled);
    }

    [Fact]
    public async Task AddMembers_AsTheApp_NotBoundByRoles_AsAPlainMember_403()
    {
        var (server, _, member, group) = await GroupAsync();
        using var _ = server;
        var newcomer = await server.CreateUserAsync(factory);
        var another = await server.CreateUserAsync(factory);

        var grown = await server.AddMembersAsync(group.Id, [newcomer.Id]);
        await RefusedAsync(() => server.AddMembersAsync(group.Id, [another.Id], actorId: member.Id), ErrorCode.PermissionDenied);

        Assert.Equal(3, grown.Members.Count);
        Assert.Contains(grown.Members, m => m.UserId == newcomer.Id && m.Role == MemberRoles.Member);
        Assert.DoesNotContain((await server.GetConversationAsync(group.Id)).Members, m => m.UserId == another.Id);
    }

    [Fact]
    public async Task AddMembers_DirectConversation_409_UnknownConversation_404()
    {
        using var server = await factory.ServerClientAsync();
        var a = await server.CreateUserAsync(factory);
        var b = await server.CreateUserAsync(factory);
        var c = await server.CreateUserAsync(factory);
        var direct = await server.CreateConversationAsync(new(ConversationTypes.Direct, a.Id, PeerId: b.Id));

        await RefusedAsync(() => server.AddMembersAsync(direct.Id, [c.Id]), ErrorCode.ConversationIsDirect);
        await RefusedAsync(() => server.RemoveMemberAsync(direct.Id, b.Id), ErrorCode.ConversationIsDirect);
        await RefusedAsync(() => server.AddMembersAsync("no-such-conversation", [c.Id]), ErrorCode.ConversationNotFound);
        await RefusedAsync(() => server.GetConversationAsync("no-such-conversation"), ErrorCode.ConversationNotFound);
        await RefusedAsync(() => server.GetMessagesAsync("no-such-conversation"), ErrorCode.ConversationNotFound);
    }

    [Fact]
    public async Task AddMembers_AsTheApp_GroupSizeLimitStillHolds()
    {
        await using var small = new TokenImFactory();
        small.Settings["TokenIM:Limits:MaxGroupMembers"] = "3";
        using var server = await small.ServerClientAsync();
        var owner = await server.CreateUserAsync(small);
        var users = new List<ServerUserDto>();
        for (var i = 0; i < 3; i++)
            users.Add(await server.CreateUserAsync(small));
        var group = await server.CreateConversationAsync(new(ConversationTypes.Group, owner.Id, [users[0].Id, users[1].Id], Title: "Full"));

        await RefusedAsync(() => server.AddMembersAsync(group.Id, [users[2].Id]), ErrorCode.GroupFull);
    }

    [Fact]
    public async Task RemoveMember_TheOwner_AsTheApp_OwnershipPassesOn()
    {
        var (server, owner, member, group) = await GroupAsync();
        using var _ = server;

        await server.RemoveMemberAsync(group.Id, owner.Id);

        var after = await server.GetConversationAsync(group.Id);
        Assert.Equal((member.Id, MemberRoles.Owner), Assert.Single(after.Members.Select(m => (m.UserId, m.Role))));
        await RefusedAsync(() => server.RemoveMemberAsync(group.Id, owner.Id), ErrorCode.UserNotFound);
    }

    [Fact]
    public async Task SendMessage_AsAMember_201ThenTheSameClientMsgIdReturnsTheOriginal()
    {
        var (server, owner, member, group) = await GroupAsync();
        using var _ = server;

        var sent = await server.SendMessageAsync(group.Id, owner.Id, "app-1", "hello from the app");
        var resent = await server.SendMessageAsync(group.Id, owner.Id, "app-1", "a different text");
        var reply = await server.SendMessageAsync(group.Id, member.Id, "app-2", "hi");

        Assert.Equal(sent, resent);
        Assert.Equal((1L, owner.Id, "hello from the app"), (sent.Seq, sent.SenderId, sent.Text));
        Assert.Equal(2, reply.Seq);
        var page = await server.GetMessagesAsync(group.Id);
        Assert.Equal([sent.Id, reply.Id], page.Messages.Select(m => m.Id));
        Assert.Equal([reply.Id], (await server.GetMessagesAsync(group.Id, afterSeq: 1, limit: 1)).Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task SendMessage_HttpResponse_201Then200()
    {
        var (server, owner, _, group) = await GroupAsync();
        using var __ = server;
        var client = factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.MessagesWrite));
        var body = new ServerSendMessageRequest(owner.Id, "status-1", "once");

        var first = await client.PostJsonAsync($"{ServerApiHelpers.Base}/conversations/{group.Id}/messages", body);
        var second = await client.PostJsonAsync($"{ServerApiHelpers.Base}/conversations/{group.Id}/messages", body);

        Assert.Equal(System.Net.HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task SendMessage_NonMemberUnknownDisabledOrInvalid_RefusedAndNothingStored()
    {
        var (server, owner, member, group) = await GroupAsync();
        using var _ = server;
        var outsider = await server.CreateUserAsync(factory);

        await RefusedAsync(() => server.SendMessageAsync(group.Id, outsider.Id, "x-1", "hi"), ErrorCode.ConversationNotFound);
        await RefusedAsync(() => server.SendMessageAsync(group.Id, "no-such-user", "x-2", "hi"), ErrorCode.UserNotFound);
        await RefusedAsync(() => server.SendMessageAsync("no-such-conversation", owner.Id, "x-3", "hi"), ErrorCode.ConversationNotFound);
        var invalid = await RefusedAsync(() => server.SendMessageAsync(group.Id, owner.Id, "x 4", "   "), ErrorCode.ValidationFailed);
        await server.DisableUserAsync(member.Id);
        await RefusedAsync(() => server.SendMessageAsync(group.Id, member.Id, "x-5", "hi"), ErrorCode.UserDisabled);

        Assert.Equal(["clientMsgId", "text"], invalid.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Empty((await server.GetMessagesAsync(group.Id)).Messages);
    }

    [Fact]
    public async Task CreateUser_Bot_IsBotEverywhereAndCannotHaveAPassword()
    {
        using var server = await factory.ServerClientAsync();
        var viewer = await factory.RegisterAsync();

        var bot = await server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("bot"), "Echo", IsBot: true));
        var person = await server.CreateUserAsync(factory);

        Assert.True(bot.IsBot);
        Assert.True((await viewer.GetOkAsync<UserDto>($"/api/v1/users/{bot.Id}")).IsBot);
        var personJson = await (await viewer.GetAsync($"/api/v1/users/{person.Id}")).ReadBodyAsync();
        Assert.DoesNotContain("isBot", personJson, StringComparison.Ordinal);
        var refused = await RefusedAsync(
            () => server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("bot"), null, Password: "a fine long passphrase", IsBot: true)),
            ErrorCode.ValidationFailed);
        Assert.Contains("password", refused.Errors!.Keys);
    }
}
