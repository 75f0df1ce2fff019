using System.Net;
using System.Text.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>The <c>conversation</c> event: created, member_added, member_removed and updated, each as the receiving user sees it.</summary>
public sealed class GatewayConversationEventsTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    /// <summary>The next frame must be this conversation event; returns its conversation.</summary>
    private static async Task<JsonElement> ExpectEventAsync(RawSocket socket, string conversationEvent, string conversationId)
    {
        // Presence frames (members who did not share a conversation before learn who is online) are not this test's subject.
        var frame = await socket.ReceiveAsync();
        while (frame.Op() == "presence")
            frame = await socket.ReceiveAsync();
        Assert.True(frame.Op() == "conversation" && frame.Str("event") == conversationEvent, $"Expected {conversationEvent}, got {frame.GetRawText()}");
        var conversation = frame.GetProperty("conversation");
        Assert.Equal(conversationId, conversation.Str("id"));
        return conversation;
    }

    private static string[] MemberIds(JsonElement conversation) =>
        [.. conversation.GetProperty("memberIds").EnumerateArray().Select(m => m.GetString()!).Order()];

    private static string[] Ids(params TestUser[] users) => [.. users.Select(u => u.Id).Order()];

    [Fact]
    public async Task Conversation_GroupLifecycle_EachEventReachesExactlyItsAudience()
    {
        _ = factory.BaseUri;
        var users = await factory.RegisterManyAsync(4);
        var (owner, member, leaving, joining) = (users[0], users[1], users[2], users[3]);
        var sockets = await Task.WhenAll(users.Select(factory.OpenAsync));
        var (ownerSocket, memberSocket, leavingSocket, joiningSocket) = (sockets[0], sockets[1], sockets[2], sockets[3]);
        try
        {
            await GatewayHelpers.SettleAsync(sockets);

            // created: every member, the creator included; not the outsider.
            var group = await owner.CreateGroupAsync("team", member, leaving);
            foreach (var (socket, role) in new[] { (ownerSocket, "owner"), (memberSocket, "member"), (leavingSocket, "member") })
            {
                var seen = await ExpectEventAsync(socket, "created", group.Id);
                Assert.Equal(("group", "team", role), (seen.Str("type"), seen.Str("title"), seen.Str("role")));
                Assert.Equal(Ids(owner, member, leaving), MemberIds(seen));
            }

            await joiningSocket.ExpectQuietAsync(ignorePresence: true);

            // member_added: the existing members and the new one.
            Assert.Equal(HttpStatusCode.OK, (await owner.AddMembersAsync(group.Id, joining.Id)).StatusCode);
            foreach (var socket in sockets)
                Assert.Equal(Ids(users), MemberIds(await ExpectEventAsync(socket, "member_added", group.Id)));

            // member_removed: the remaining members and the removed user.
            Assert.Equal(HttpStatusCode.NoContent, (await owner.RemoveMemberAsync(group.Id, leaving.Id)).StatusCode);
            foreach (var socket in sockets)
                Assert.Equal(Ids(owner, member, joining), MemberIds(await ExpectEventAsync(socket, "member_removed", group.Id)));

            // updated on rename: the members only; the removed user hears nothing more.
            Assert.Equal(HttpStatusCode.OK, (await owner.RenameAsync(group.Id, "renamed team")).StatusCode);
            foreach (var socket in new[] { ownerSocket, memberSocket, joiningSocket })
                Assert.Equal("renamed team", (await ExpectEventAsync(socket, "updated", group.Id)).Str("title"));
            foreach (var socket in sockets)
                await socket.ExpectQuietAsync(ignorePresence: true);
        }
        finally
        {
            foreach (var socket in sockets)
                await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task Conversation_MemberAdded_NewMemberSeesItsOwnReadMarker()
    {
        _ = factory.BaseUri;
        var users = await factory.RegisterManyAsync(2);
        var group = await users[0].CreateGroupAsync("history");
        await users[0].SendManyAsync(group.Id, 3);
        await using var ownerSocket = await factory.OpenAsync(users[0]);
        await using var newSocket = await factory.OpenAsync(users[1]);
        await GatewayHelpers.SettleAsync(ownerSocket, newSocket);

        Assert.Equal(HttpStatusCode.OK, (await users[0].AddMembersAsync(group.Id, users[1].Id)).StatusCode);

        var seen = await ExpectEventAsync(newSocket, "member_added", group.Id);
        Assert.Equal((3L, 3L, 0L, "member"), (seen.Long("lastSeq"), seen.Long("readSeq"), seen.Long("unreadCount"), seen.Str("role")));
        Assert.Equal("owner", (await ExpectEventAsync(ownerSocket, "member_added", group.Id)).Str("role"));
    }

    [Fact]
    public async Task Conversation_DirectCreated_BothSidesGetCreatedOnce()
    {
        _ = factory.BaseUri;
        var users = await factory.RegisterManyAsync(2);
        await using var socketA = await factory.OpenAsync(users[0]);
        await using var socketB = await factory.OpenAsync(users[1]);
        await GatewayHelpers.SettleAsync(socketA, socketB);

        var conversation = await (await users[0].CreateDirectAsync(users[1].Id)).ReadAsync<Protocol.Rest.ConversationDto>(HttpStatusCode.Created);

        foreach (var socket in new[] { socketA, socketB })
        {
            var seen = await ExpectEventAsync(socket, "created", conversation.Id);
            Assert.Equal("direct", seen.Str("type"));
            Assert.Equal(Ids(users), MemberIds(seen));
        }

        // Asking again returns the existing conversation: nothing is created, nobody is told.
        Assert.Equal(HttpStatusCode.OK, (await users[1].CreateDirectAsync(users[0].Id)).StatusCode);
        await socketA.ExpectQuietAsync(ignorePresence: true);
        await socketB.ExpectQuietAsync(ignorePresence: true);
    }
}
