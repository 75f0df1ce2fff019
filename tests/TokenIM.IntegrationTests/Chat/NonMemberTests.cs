using System.Net;
using System.Net.Http.Json;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>A conversation the caller is not in must look exactly like one that does not exist, on every route.</summary>
public sealed class NonMemberTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    /// <summary>Every conversation route, each with a body that would fail validation if it were checked first.</summary>
    private static readonly Func<TestUser, string, string, Task<HttpResponseMessage>>[] s_routes =
    [
        (u, id, _) => u.GetAsync($"{ChatTestHelpers.Conversations}/{id}"),
        (u, id, _) => u.RenameAsync(id, ""),
        (u, id, _) => u.RenameAsync(id, "valid title"),
        (u, id, _) => u.GetAsync($"{ChatTestHelpers.Conversations}/{id}/members"),
        (u, id, victim) => u.AddMembersAsync(id, victim),
        (u, id, _) => u.AddMembersAsync(id),
        (u, id, victim) => u.RemoveMemberAsync(id, victim),
        (u, id, _) => u.RemoveMemberAsync(id, u.Id),
        (u, id, victim) => u.SetRoleAsync(id, victim, MemberRoles.Admin),
        (u, id, victim) => u.SetRoleAsync(id, victim, "bogus"),
        (u, id, _) => u.GetAsync($"{ChatTestHelpers.Conversations}/{id}/messages"),
        (u, id, _) => u.GetAsync($"{ChatTestHelpers.Conversations}/{id}/messages?afterSeq=0&limit=100"),
        (u, id, _) => u.GetAsync($"{ChatTestHelpers.Conversations}/{id}/messages?limit=0"),
        (u, id, _) => u.SendAsync(id, "let me in"),
        (u, id, _) => u.SendAsync(id, "", ""),
        (u, id, _) => u.MarkReadAsync(id, 1),
        (u, id, _) => u.MarkReadAsync(id, -1),
    ];

    public static TheoryData<int> Routes => [.. Enumerable.Range(0, s_routes.Length)];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_OnGroupOrDirectOfOthers_AnswersExactlyLikeAnUnknownId(int route)
    {
        var (owner, member, outsider) = (await factory.RegisterAsync(), await factory.RegisterAsync(), await factory.RegisterAsync());
        var group = await owner.CreateGroupAsync("secret", member);
        var direct = await (await owner.CreateDirectAsync(member.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        await owner.SendOkAsync(group.Id, "secret text");
        await owner.SendOkAsync(direct.Id, "secret text");
        var call = s_routes[route];

        var unknown = await (await call(outsider, Guid.NewGuid().ToString("N"), member.Id)).ReadProblemAsync(ErrorCode.ConversationNotFound);
        var onGroup = await (await call(outsider, group.Id, member.Id)).ReadProblemAsync(ErrorCode.ConversationNotFound);
        var onDirect = await (await call(outsider, direct.Id, member.Id)).ReadProblemAsync(ErrorCode.ConversationNotFound);

        Assert.Equal(unknown, onGroup);
        Assert.Equal(unknown, onDirect);
        await AssertUnchangedAsync(owner, group, direct);
    }

    [Fact]
    public async Task FormerMember_AfterLeaving_GetsNothing()
    {
        var owner = await factory.RegisterAsync();
        var leaver = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g", leaver);
        await leaver.SendOkAsync(group.Id, "bye", "bye-1");
        Assert.Equal(HttpStatusCode.NoContent, (await leaver.RemoveMemberAsync(group.Id, leaver.Id)).StatusCode);

        await (await leaver.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}/messages")).ReadProblemAsync(ErrorCode.ConversationNotFound);
        // Not even the original of an idempotent resend.
        await (await leaver.SendAsync(group.Id, "bye", "bye-1")).ReadProblemAsync(ErrorCode.ConversationNotFound);
        Assert.DoesNotContain((await leaver.GetOkAsync<ConversationList>(ChatTestHelpers.Conversations)).Conversations, c => c.Id == group.Id);
    }

    [Fact]
    public async Task Routes_WithoutToken_Are401()
    {
        var owner = await factory.RegisterAsync();
        var group = await owner.CreateGroupAsync("g");
        var anonymous = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(ChatTestHelpers.Conversations, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"{ChatTestHelpers.Conversations}/{group.Id}/messages", ct)).StatusCode);
        var send = await anonymous.PostAsJsonAsync($"{ChatTestHelpers.Conversations}/{group.Id}/messages", new SendMessageRequest("c", "t"), Api.Json, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, send.StatusCode);
    }

    private static async Task AssertUnchangedAsync(TestUser owner, ConversationDto group, ConversationDto direct)
    {
        var after = await owner.GetConversationAsync(group.Id);
        Assert.Equal((group.Title, 2, 1L), (after.Title, after.MemberIds.Count, after.LastSeq));
        Assert.Equal(1, (await owner.GetConversationAsync(direct.Id)).LastSeq);
        Assert.All(await owner.GetMembersAsync(group.Id), m => Assert.NotEqual(MemberRoles.Admin, m.Role));
    }
}
