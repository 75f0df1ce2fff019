using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

public sealed class ConversationTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task CreateDirect_SecondTimeFromEitherSide_Returns200WithTheSameConversation()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();

        var first = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var again = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.OK);
        var reverse = await (await bob.CreateDirectAsync(alice.Id)).ReadAsync<ConversationDto>(HttpStatusCode.OK);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, reverse.Id);
        Assert.Equal(ConversationTypes.Direct, first.Type);
        Assert.Null(first.Title);
        string[] pair = [.. new[] { alice.Id, bob.Id }.Order(StringComparer.Ordinal)];
        Assert.Equal(pair, first.MemberIds.Order(StringComparer.Ordinal));
        Assert.Equal(pair, reverse.MemberIds.Order(StringComparer.Ordinal));
        Assert.Equal(MemberRoles.Member, reverse.Role);
    }

    [Fact]
    public async Task CreateDirect_ConcurrentFromBothSides_CreatesExactlyOne()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? alice.CreateDirectAsync(bob.Id) : bob.CreateDirectAsync(alice.Id)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadAsync<ConversationDto>(r.StatusCode)).Id));
        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task CreateDirect_WithSelf_IsValidationFailedOnPeerId()
    {
        var alice = await factory.RegisterAsync();

        var problem = await (await alice.CreateDirectAsync(alice.Id)).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.True(problem.Errors!.ContainsKey("peerId"));
    }

    [Fact]
    public async Task CreateDirect_UnknownPeer_IsUserNotFound()
    {
        var alice = await factory.RegisterAsync();

        await (await alice.CreateDirectAsync(Guid.NewGuid().ToString("N"))).ReadProblemAsync(ErrorCode.UserNotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("channel")]
    [InlineData("Direct")]
    public async Task Create_UnknownType_IsValidationFailedOnType(string? type)
    {
        var alice = await factory.RegisterAsync();

        var response = await alice.Client.PostJsonAsync(ChatTestHelpers.Conversations, new CreateConversationRequest(type, Title: "t", MemberIds: []));

        var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.True(problem.Errors!.ContainsKey("type"));
    }

    [Fact]
    public async Task CreateGroup_DuplicateIdsAndCreatorInList_CreatorIsOwnerAndIdsAreDeduplicated()
    {
        var owner = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var carol = await factory.RegisterAsync();

        var response = await owner.Client.PostJsonAsync(ChatTestHelpers.Conversations,
            new CreateConversationRequest(ConversationTypes.Group, Title: "  Team  ", MemberIds: [bob.Id, carol.Id, bob.Id, owner.Id]));
        var group = await response.ReadAsync<ConversationDto>(HttpStatusCode.Created);

        Assert.Equal("Team", group.Title);
        Assert.Equal(MemberRoles.Owner, group.Role);
        Assert.Equal(3, group.MemberIds.Count);
        Assert.Equal(0, group.LastSeq);
        Assert.Equal(group.CreatedAt, group.UpdatedAt);
        Assert.EndsWith($"/api/v1/conversations/{group.Id}", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        var members = await owner.GetMembersAsync(group.Id);
        Assert.Equal(MemberRoles.Owner, Assert.Single(members, m => m.UserId == owner.Id).Role);
        Assert.All(members.Where(m => m.UserId != owner.Id), m => Assert.Equal(MemberRoles.Member, m.Role));
        Assert.Equal(MemberRoles.Member, (await bob.GetConversationAsync(group.Id)).Role);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    [InlineData("bell\u0007")]
    public async Task CreateGroup_BadTitle_IsValidationFailedOnTitle(string? title)
    {
        var owner = await factory.RegisterAsync();

        var response = await owner.Client.PostJsonAsync(ChatTestHelpers.Conversations, new CreateConversationRequest(ConversationTypes.Group, Title: title));

        var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.True(problem.Errors!.ContainsKey("title"));
    }

    [Fact]
    public async Task CreateGroup_TitleLengthBoundary_100AcceptedAnd101Refused()
    {
        var owner = await factory.RegisterAsync();

        var ok = await owner.Client.PostJsonAsync(ChatTestHelpers.Conversations, new CreateConversationRequest(ConversationTypes.Group, Title: new string('t', 100)));
        var tooLong = await owner.Client.PostJsonAsync(ChatTestHelpers.Conversations, new CreateConversationRequest(ConversationTypes.Group, Title: new string('t', 101)));

        Assert.Equal(100, (await ok.ReadAsync<ConversationDto>(HttpStatusCode.Created)).Title!.Length);
        await tooLong.ReadProblemAsync(ErrorCode.ValidationFailed);
    }

    [Fact]
    public async Task CreateGroup_UnknownMember_IsUserNotFoundNamingIt()
    {
        var owner = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var ghost = Guid.NewGuid().ToString("N");

        var response = await owner.Client.PostJsonAsync(ChatTestHelpers.Conversations,
            new CreateConversationRequest(ConversationTypes.Group, Title: "t", MemberIds: [bob.Id, ghost]));

        var problem = await response.ReadProblemAsync(ErrorCode.UserNotFound);
        Assert.Contains(ghost, problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.Id, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await owner.GetOkAsync<ConversationList>(ChatTestHelpers.Conversations)).Conversations);
    }

    [Fact]
    public async Task Get_ConversationWithoutMessages_OmitsLastMessage()
    {
        var owner = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("quiet");

        var json = await (await owner.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}")).ReadBodyAsync();

        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.TryGetProperty("lastMessage", out _));
        Assert.Equal(0, document.RootElement.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task List_SeveralConversations_MostRecentlyActiveFirstWithLastMessage()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var own = new TokenImFactory { Clock = clock };
        var alice = await own.RegisterAsync();
        var bob = await own.RegisterAsync();
        var first = await alice.CreateGroupAsync("first", bob);
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = await alice.CreateGroupAsync("second", bob);
        clock.Advance(TimeSpan.FromSeconds(1));
        var direct = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        clock.Advance(TimeSpan.FromSeconds(1));

        var sent = await bob.SendOkAsync(first.Id, "first is active again");
        var list = (await alice.GetOkAsync<ConversationList>(ChatTestHelpers.Conversations)).Conversations;

        Assert.Equal([first.Id, direct.Id, second.Id], list.Select(c => c.Id));
        var top = list[0];
        Assert.Equal(sent.Id, top.LastMessage!.Id);
        Assert.Equal("first is active again", top.LastMessage.Text);
        Assert.Equal(sent.CreatedAt, top.UpdatedAt);
        Assert.Equal(1, top.UnreadCount);
        Assert.Null(list[1].LastMessage);
        Assert.Equal(0, list[1].UnreadCount);
    }

    [Fact]
    public async Task Rename_ByOwnerAndAdmin_ChangesTitleButMemberIsDenied()
    {
        var owner = await factory.RegisterAsync();
        var admin = await factory.RegisterAsync();
        var member = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("old", admin, member);
        await (await owner.SetRoleAsync(group.Id, admin.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();

        var byOwner = await (await owner.RenameAsync(group.Id, " by owner ")).ReadAsync<ConversationDto>();
        var byAdmin = await (await admin.RenameAsync(group.Id, "by admin")).ReadAsync<ConversationDto>();
        var byMember = await member.RenameAsync(group.Id, "by member");

        Assert.Equal("by owner", byOwner.Title);
        Assert.Equal("by admin", byAdmin.Title);
        await byMember.ReadProblemAsync(ErrorCode.PermissionDenied);
        Assert.Equal("by admin", (await member.GetConversationAsync(group.Id)).Title);
    }

    [Fact]
    public async Task Rename_BadTitleOrDirect_IsRefused()
    {
        var owner = await factory.RegisterAsync();
        var peer = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("group");
        var direct = await (await owner.CreateDirectAsync(peer.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);

        var blank = await owner.RenameAsync(group.Id, " ");
        var onDirect = await owner.RenameAsync(direct.Id, "direct");

        Assert.True((await blank.ReadProblemAsync(ErrorCode.ValidationFailed)).Errors!.ContainsKey("title"));
        await onDirect.ReadProblemAsync(ErrorCode.ConversationIsDirect);
    }
}
