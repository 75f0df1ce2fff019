using System.Globalization;
using System.Text.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>Presence: transitions only (first socket open, last socket closed), to the presence audience.</summary>
public sealed class GatewayPresenceTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static void AssertPresence(JsonElement frame, string userId, bool online)
    {
        Assert.True(frame.Op() == "presence", frame.GetRawText());
        Assert.Equal((userId, online), (frame.Str("userId"), frame.GetProperty("online").GetBoolean()));
        Assert.Equal(!online, frame.Has("lastSeenAt"));
    }

    [Fact]
    public async Task Presence_FirstSocketOpensAndLastCloses_ContactSeesOnlineThenOfflineWithLastSeenAt()
    {
        var (a, b, _) = await factory.PairAsync();
        var phone = await factory.LoginAsync(a, "phone");
        await using var watcher = await factory.OpenAsync(b);
        await watcher.ExpectQuietAsync();

        // Each new socket of A's is told B is online; draining it proves its connect handling is over.
        var first = await factory.OpenAsync(a);
        AssertPresence(Assert.Single(await first.DrainAsync()), b.Id, online: true);
        AssertPresence(await watcher.ReceiveAsync(), a.Id, online: true);
        await watcher.ExpectQuietAsync();

        // A second socket (another device) is no transition.
        var second = await factory.OpenAsync(phone);
        AssertPresence(Assert.Single(await second.DrainAsync()), b.Id, online: true);
        await watcher.ExpectQuietAsync();

        // Closing one of two is no transition either.
        await first.DisposeAsync();
        await second.ExpectQuietAsync();
        await watcher.ExpectQuietAsync();

        var beforeLast = DateTimeOffset.UtcNow;
        await second.DisposeAsync();
        var offline = await watcher.ReceiveAsync();
        AssertPresence(offline, a.Id, online: false);
        var lastSeenAt = offline.Str("lastSeenAt")!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", lastSeenAt);
        Assert.InRange(DateTimeOffset.Parse(lastSeenAt, CultureInfo.InvariantCulture), beforeLast.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2));
        await watcher.ExpectQuietAsync();
    }

    [Fact]
    public async Task CreateDirect_BothOnlineWithoutSharedConversation_EachLearnsTheOtherIsOnline()
    {
        _ = factory.BaseUri;
        var users = await factory.RegisterManyAsync(2);
        var (a, b) = (users[0], users[1]);
        await using var socketA = await factory.OpenAsync(a);
        await using var socketB = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(socketA, socketB);

        await (await a.CreateDirectAsync(b.Id)).ReadAsync<Protocol.Rest.ConversationDto>(System.Net.HttpStatusCode.Created);

        AssertPresence(await socketA.ReceiveOpAsync("presence"), b.Id, online: true);
        AssertPresence(await socketB.ReceiveOpAsync("presence"), a.Id, online: true);
    }

    [Fact]
    public async Task Ready_ContactsAlreadyOnline_PresenceAfterReady()
    {
        _ = factory.BaseUri;
        var users = await factory.RegisterManyAsync(4);
        var (me, direct, groupMate, stranger) = (users[0], users[1], users[2], users[3]);
        await (await me.CreateDirectAsync(direct.Id)).ReadAsync<Protocol.Rest.ConversationDto>(System.Net.HttpStatusCode.Created);
        await groupMate.CreateGroupAsync("mates", me);
        await using var directSocket = await factory.OpenAsync(direct);
        await using var groupSocket = await factory.OpenAsync(groupMate);
        await using var strangerSocket = await factory.OpenAsync(stranger);
        await GatewayHelpers.SettleAsync(directSocket, groupSocket, strangerSocket);

        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri, me.Tokens.AccessToken);

        Assert.Equal("ready", (await socket.ReceiveAsync()).Op());
        var presences = await socket.DrainAsync();
        Assert.Equal(2, presences.Count);
        foreach (var presence in presences)
            AssertPresence(presence, presence.Str("userId")!, online: true);
        Assert.Equal(new[] { direct.Id, groupMate.Id }.Order(), presences.Select(p => p.Str("userId")!).Order());
        await strangerSocket.ExpectQuietAsync();
    }

    [Fact]
    public async Task Presence_OfflineContact_NotListedOnReady()
    {
        // B shares a conversation with A but has no socket: A's ready comes with no presence at all.
        var (a, _, _) = await factory.PairAsync();

        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri, a.Tokens.AccessToken);

        Assert.Equal("ready", (await socket.ReceiveAsync()).Op());
        await socket.ExpectQuietAsync();
    }
}
