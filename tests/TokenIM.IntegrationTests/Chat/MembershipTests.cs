using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Chat;

public sealed class MembershipTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task AddMembers_ByOwnerAndAdmin_AddsAndIgnoresExistingMembers()
    {
        var owner = await factory.RegisterAsync();
        var admin = await factory.RegisterAsync();
        var (bob, carol) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await owner.CreateGroupAsync("g", admin);
        await (await owner.SetRoleAsync(group.Id, admin.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();
        await owner.SendOkAsync(group.Id, "before bob joined");

        var afterOwner = await (await owner.AddMembersAsync(group.Id, bob.Id, admin.Id, bob.Id)).ReadAsync<ConversationDto>();
        var afterAdmin = await (await admin.AddMembersAsync(group.Id, carol.Id)).ReadAsync<ConversationDto>();

        Assert.Equal(3, afterOwner.MemberIds.Count);
        Assert.Equal(new[] { owner.Id, admin.Id, bob.Id, carol.Id }.Order(StringComparer.Ordinal), afterAdmin.MemberIds.Order(StringComparer.Ordinal));
        var bobsView = await bob.GetConversationAsync(group.Id);
        Assert.Equal(MemberRoles.Member, bobsView.Role);
        Assert.Equal(0, bobsView.UnreadCount); // history before joining is not unread
        Assert.Single((await bob.PageAsync(group.Id)).Messages);
    }

    [Fact]
    public async Task AddMembers_ByPlainMember_IsPermissionDenied()
    {
        var owner = await factory.RegisterAsync();
        var member = await factory.RegisterAsync();
        var outsider = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g", member);

        await (await member.AddMembersAsync(group.Id, outsider.Id)).ReadProblemAsync(ErrorCode.PermissionDenied);

        Assert.Equal(2, (await owner.GetMembersAsync(group.Id)).Count);
    }

    [Fact]
    public async Task AddMembers_UnknownUserOrEmptyList_IsRefused()
    {
        var owner = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g");

        await (await owner.AddMembersAsync(group.Id, bob.Id, "no-such-user")).ReadProblemAsync(ErrorCode.UserNotFound);
        var empty = await (await owner.AddMembersAsync(group.Id)).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.True(empty.Errors!.ContainsKey("userIds"));
        Assert.Single(await owner.GetMembersAsync(group.Id));
    }

    [Fact]
    public async Task MemberLimit_CreateAndAddBeyondIt_IsGroupFull()
    {
        using var own = new TokenImFactory();
        own.Settings["TokenIM:Limits:MaxGroupMembers"] = "3";
        var users = await own.RegisterManyAsync(5);
        var owner = users[0];

        var tooBig = await owner.Client.PostJsonAsync(ChatTestHelpers.Conversations,
            new CreateConversationRequest(ConversationTypes.Group, Title: "big", MemberIds: [users[1].Id, users[2].Id, users[3].Id]));
        var group = await owner.CreateGroupAsync("full", users[1], users[2]);
        var oneMore = await owner.AddMembersAsync(group.Id, users[4].Id);
        var alreadyIn = await owner.AddMembersAsync(group.Id, users[1].Id);

        await tooBig.ReadProblemAsync(ErrorCode.GroupFull);
        await oneMore.ReadProblemAsync(ErrorCode.GroupFull);
        Assert.Equal(3, (await alreadyIn.ReadAsync<ConversationDto>()).MemberIds.Count);
    }

    [Fact]
    public async Task AddMembers_ConcurrentlyBeyondTheLimit_NeverExceedsIt()
    {
        using var own = new TokenImFactory();
        own.Settings["TokenIM:Limits:MaxGroupMembers"] = "4";
        var users = await own.RegisterManyAsync(11);
        var owner = users[0];
        var group = await owner.CreateGroupAsync("race");

        var responses = await Task.WhenAll(users[1..].Select(u => owner.AddMembersAsync(group.Id, u.Id)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(4, (await owner.GetMembersAsync(group.Id)).Count);
        Assert.Equal(4, (await owner.GetConversationAsync(group.Id)).MemberIds.Count);
    }

    [Fact]
    public async Task RemoveMember_ByRole_OwnerAnyoneAdminPlainMembersOnlyMemberNobody()
    {
        var owner = await factory.RegisterAsync();
        var (admin, admin2) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var (m1, m2, m3) = (await factory.RegisterAsync(), await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await owner.CreateGroupAsync("g", admin, admin2, m1, m2, m3);
        await (await owner.SetRoleAsync(group.Id, admin.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();
        await (await owner.SetRoleAsync(group.Id, admin2.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();

        await (await m1.RemoveMemberAsync(group.Id, m2.Id)).ReadProblemAsync(ErrorCode.PermissionDenied);
        await (await admin.RemoveMemberAsync(group.Id, admin2.Id)).ReadProblemAsync(ErrorCode.PermissionDenied);
        await (await admin.RemoveMemberAsync(group.Id, owner.Id)).ReadProblemAsync(ErrorCode.PermissionDenied);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.RemoveMemberAsync(group.Id, m2.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.RemoveMemberAsync(group.Id, admin2.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await m3.RemoveMemberAsync(group.Id, m3.Id)).StatusCode);

        var remaining = (await owner.GetMembersAsync(group.Id)).Select(m => m.UserId).ToHashSet();
        Assert.Equal(new HashSet<string> { owner.Id, admin.Id, m1.Id }, remaining);
        await (await m2.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}")).ReadProblemAsync(ErrorCode.ConversationNotFound);
        Assert.Equal(3, (await owner.GetConversationAsync(group.Id)).MemberIds.Count);
    }

    [Fact]
    public async Task RemoveMember_NotAMember_IsUserNotFound()
    {
        var owner = await factory.RegisterAsync();
        var stranger = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g");

        await (await owner.RemoveMemberAsync(group.Id, stranger.Id)).ReadProblemAsync(ErrorCode.UserNotFound);
        await (await owner.SetRoleAsync(group.Id, stranger.Id, MemberRoles.Admin)).ReadProblemAsync(ErrorCode.UserNotFound);
    }

    [Fact]
    public async Task OwnerLeaves_WithAdmins_LongestStandingAdminBecomesOwner()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var own = new TokenImFactory { Clock = clock };
        var users = await own.RegisterManyAsync(4);
        var (owner, early, middle, late) = (users[0], users[1], users[2], users[3]);
        var group = await owner.CreateGroupAsync("g");
        foreach (var user in new[] { early, middle, late })
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await (await owner.AddMembersAsync(group.Id, user.Id)).ReadAsync<ConversationDto>();
        }

        await (await owner.SetRoleAsync(group.Id, late.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();
        await (await owner.SetRoleAsync(group.Id, middle.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();
        Assert.Equal(HttpStatusCode.NoContent, (await owner.RemoveMemberAsync(group.Id, owner.Id)).StatusCode);

        var roles = (await early.GetMembersAsync(group.Id)).ToDictionary(m => m.UserId, m => m.Role);
        Assert.Equal(MemberRoles.Member, roles[early.Id]);
        Assert.Equal(MemberRoles.Owner, roles[middle.Id]);
        Assert.Equal(MemberRoles.Admin, roles[late.Id]);
        Assert.Equal([early.Id, middle.Id, late.Id], (await early.GetMembersAsync(group.Id)).Select(m => m.UserId));
    }

    [Fact]
    public async Task OwnerLeaves_WithoutAdmins_LongestStandingMemberBecomesOwnerAndLastLeaverLeavesEmptyGroup()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var own = new TokenImFactory { Clock = clock };
        var users = await own.RegisterManyAsync(3);
        var (owner, early, late) = (users[0], users[1], users[2]);
        var group = await owner.CreateGroupAsync("g");
        clock.Advance(TimeSpan.FromSeconds(1));
        await (await owner.AddMembersAsync(group.Id, early.Id)).ReadAsync<ConversationDto>();
        clock.Advance(TimeSpan.FromSeconds(1));
        await (await owner.AddMembersAsync(group.Id, late.Id)).ReadAsync<ConversationDto>();

        Assert.Equal(HttpStatusCode.NoContent, (await owner.RemoveMemberAsync(group.Id, owner.Id)).StatusCode);
        Assert.Equal(MemberRoles.Owner, (await early.GetConversationAsync(group.Id)).Role);
        Assert.Equal(HttpStatusCode.NoContent, (await early.RemoveMemberAsync(group.Id, early.Id)).StatusCode);
        Assert.Equal(MemberRoles.Owner, (await late.GetConversationAsync(group.Id)).Role);
        Assert.Equal(HttpStatusCode.NoContent, (await late.RemoveMemberAsync(group.Id, late.Id)).StatusCode);

        await (await late.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}")).ReadProblemAsync(ErrorCode.ConversationNotFound);
        var store = own.Services.GetRequiredService<IChatStore>();
        Assert.Empty(await store.GetMembersAsync(group.Id, TestContext.Current.CancellationToken));
        var stays = await store.ChangeConversationAsync<int>(group.Id, state => new Decision<int>(state!.Conversation.MemberCount, null), TestContext.Current.CancellationToken);
        Assert.Equal(0, stays.Value);
    }

    [Fact]
    public async Task SetRole_OwnerOnly_AdminAndMemberAreDenied()
    {
        var owner = await factory.RegisterAsync();
        var admin = await factory.RegisterAsync();
        var member = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g", admin, member);

        var promoted = await (await owner.SetRoleAsync(group.Id, admin.Id, MemberRoles.Admin)).ReadAsync<MemberDto>();

        Assert.Equal(MemberRoles.Admin, promoted.Role);
        Assert.Equal(admin.Id, promoted.UserId);
        await (await admin.SetRoleAsync(group.Id, member.Id, MemberRoles.Admin)).ReadProblemAsync(ErrorCode.PermissionDenied);
        await (await member.SetRoleAsync(group.Id, member.Id, MemberRoles.Admin)).ReadProblemAsync(ErrorCode.PermissionDenied);
        var bad = await (await owner.SetRoleAsync(group.Id, member.Id, "superuser")).ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.True(bad.Errors!.ContainsKey("role"));
        await (await owner.SetRoleAsync(group.Id, owner.Id, MemberRoles.Member)).ReadProblemAsync(ErrorCode.ValidationFailed);
        var demoted = await (await owner.SetRoleAsync(group.Id, admin.Id, MemberRoles.Member)).ReadAsync<MemberDto>();
        Assert.Equal(MemberRoles.Member, demoted.Role);
    }

    [Fact]
    public async Task SetRole_Owner_HandsOwnershipOverAndCallerBecomesAdmin()
    {
        var owner = await factory.RegisterAsync();
        var heir = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g", heir);

        var result = await (await owner.SetRoleAsync(group.Id, heir.Id, MemberRoles.Owner)).ReadAsync<MemberDto>();

        Assert.Equal(MemberRoles.Owner, result.Role);
        var roles = (await heir.GetMembersAsync(group.Id)).ToDictionary(m => m.UserId, m => m.Role);
        Assert.Equal(MemberRoles.Owner, roles[heir.Id]);
        Assert.Equal(MemberRoles.Admin, roles[owner.Id]);
        await (await owner.SetRoleAsync(group.Id, heir.Id, MemberRoles.Member)).ReadProblemAsync(ErrorCode.PermissionDenied);
    }

    [Fact]
    public async Task DirectConversation_MembershipChanges_AreConversationIsDirect()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var carol = await factory.RegisterAsync();
        var direct = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);

        await (await alice.AddMembersAsync(direct.Id, carol.Id)).ReadProblemAsync(ErrorCode.ConversationIsDirect);
        await (await alice.RemoveMemberAsync(direct.Id, bob.Id)).ReadProblemAsync(ErrorCode.ConversationIsDirect);
        await (await alice.RemoveMemberAsync(direct.Id, alice.Id)).ReadProblemAsync(ErrorCode.ConversationIsDirect);
        await (await alice.SetRoleAsync(direct.Id, bob.Id, MemberRoles.Admin)).ReadProblemAsync(ErrorCode.ConversationIsDirect);

        Assert.Equal(2, (await bob.GetMembersAsync(direct.Id)).Count);
    }
}
