using System.Net;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// What an attacker must never see or change: a group and a direct conversation of others, seeded with unique marker
/// strings (title, message texts), a member whose id the attacker is never told (so the member list is a marker), and
/// the owner's sessions on two devices. Any response or frame holding a marker the attacker did not send itself is a leak.
/// </summary>
internal sealed class VictimWorld
{
    private readonly IReadOnlyList<MemberDto> _members;

    private VictimWorld(TestUser owner, TestUser member, TestUser hidden, ConversationDto group, ConversationDto direct, IReadOnlyList<MessageDto> messages, IReadOnlyList<MemberDto> members, IReadOnlyList<string> sessionIds, IReadOnlyList<string> markers)
    {
        (Owner, Member, Hidden, Group, Direct, Messages, _members, SessionIds, Markers) = (owner, member, hidden, group, direct, messages, members, sessionIds, markers);
    }

    /// <summary>The owner's two sessions and the member's one: other users' sessions, which the attacker must not end or see.</summary>
    public IReadOnlyList<string> SessionIds { get; }

    /// <summary>The group's owner; signed in on two devices.</summary>
    public TestUser Owner { get; }

    /// <summary>A member of both conversations, whose id the attacker knows (path parameters use it).</summary>
    public TestUser Member { get; }

    /// <summary>A group member the attacker is never told about: its id appearing anywhere means the member list leaked.</summary>
    public TestUser Hidden { get; }

    public ConversationDto Group { get; }

    public ConversationDto Direct { get; }

    /// <summary>The seeded messages, group's then direct's.</summary>
    public IReadOnlyList<MessageDto> Messages { get; }

    /// <summary>Strings that belong to the victims only: title, message texts, hidden member id, conversation and session ids, refresh tokens.</summary>
    public IReadOnlyList<string> Markers { get; }

    public IEnumerable<ConversationDto> Conversations => [Group, Direct];

    public static async Task<VictimWorld> SeedAsync(TokenImFactory factory, int seed)
    {
        // Fixed seed: the same markers every run, so a failure names the same strings.
        var random = new Random(seed);
        string Marker(string kind) => $"authz-{kind}-{random.Next():x8}{random.Next():x8}";

        // A password of its own: the attacker signs in with the shared test password, which must not open this account.
        var owner = await factory.RegisterAsync(password: "the victim's own passphrase");
        var member = await factory.RegisterAsync();
        // Not named like the others, so a user search by the attacker's own prefix does not list it.
        var hidden = await factory.RegisterAsync(factory.NextUsername("zz-hidden"));
        var phone = await factory.LoginAsync(owner, "victim-phone");
        var group = await owner.CreateGroupAsync(Marker("title"), member, hidden);
        var direct = await (await owner.CreateDirectAsync(member.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var messages = new List<MessageDto>();
        for (var i = 0; i < 3; i++)
        {
            messages.Add(await owner.SendOkAsync(group.Id, Marker("group-text")));
            messages.Add(await member.SendOkAsync(group.Id, Marker("group-text")));
        }

        for (var i = 0; i < 3; i++)
            messages.Add(await member.SendOkAsync(direct.Id, Marker("direct-text")));
        // The member reads, so a read marker exists that a non-member's read must not move.
        Assert.Equal(HttpStatusCode.NoContent, (await member.MarkReadAsync(group.Id, 2)).StatusCode);

        var sessions = await owner.GetOkAsync<SessionList>("/api/v1/auth/sessions");
        Assert.Equal(2, sessions.Sessions.Count);
        string[] sessionIds = [.. sessions.Sessions.Select(s => s.Id), member.Tokens.SessionId, hidden.Tokens.SessionId];
        List<string> markers =
        [
            group.Title!, hidden.Id, group.Id, direct.Id, owner.Tokens.RefreshToken, phone.Tokens.RefreshToken, member.Tokens.RefreshToken,
            .. sessionIds, .. messages.Select(m => m.Text), .. messages.Select(m => m.Id),
        ];
        return new VictimWorld(owner, member, hidden, group, direct, messages, await owner.GetMembersAsync(group.Id), sessionIds, markers);
    }

    /// <summary>The markers in <paramref name="received"/>, leaving out those the attacker itself put in <paramref name="sent"/> (an echo reveals nothing).</summary>
    public IReadOnlyList<string> LeaksIn(string received, string sent) =>
        [.. Markers.Where(m => received.Contains(m, StringComparison.Ordinal) && !sent.Contains(m, StringComparison.Ordinal))];

    /// <summary>Fails unless the victims' conversations, roles, read markers, sessions and profile are as seeded.</summary>
    public async Task AssertUntouchedAsync()
    {
        var group = await Owner.GetConversationAsync(Group.Id);
        Assert.Equal((Group.Title, 3, 6L), (group.Title, group.MemberIds.Count, group.LastSeq));
        Assert.Equal(3L, (await Owner.GetConversationAsync(Direct.Id)).LastSeq);
        // Ids, roles and read markers: a non-member's add, remove, role change or read would show here.
        Assert.Equal(_members, await Owner.GetMembersAsync(Group.Id));
        Assert.Equal(2, (await Owner.GetOkAsync<SessionList>("/api/v1/auth/sessions")).Sessions.Count);
        Assert.Equal(Owner.User, await Owner.GetOkAsync<UserDto>("/api/v1/users/me"));
        Assert.Equal(Member.User, await Member.GetOkAsync<UserDto>("/api/v1/users/me"));
    }
}
