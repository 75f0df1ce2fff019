using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>A conversation the user is not a member of is answered exactly like one that does not exist, on every op.</summary>
public sealed class GatewayNonMemberTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const string UnknownId = "0123456789abcdef0123456789abcdef";

    /// <summary>Each op, and ops whose other fields are also invalid: membership is checked before validation.</summary>
    public static TheoryData<string> Cases => ["send", "sync", "read", "typing", "send-invalid", "sync-invalid", "read-invalid"];

    private static object Frame(string kind, string conversationId) => kind switch
    {
        "send" => new { op = "send", id = "n1", conversationId, clientMsgId = "probe-1", text = "let me in" },
        "send-invalid" => new { op = "send", id = "n1", conversationId, clientMsgId = "", text = "" },
        "sync" => new { op = "sync", id = "n1", conversationId, afterSeq = 0 },
        "sync-invalid" => new { op = "sync", id = "n1", conversationId, afterSeq = -1, limit = 0 },
        "read" => new { op = "read", id = "n1", conversationId, seq = 1 },
        "read-invalid" => new { op = "read", id = "n1", conversationId, seq = 99 },
        _ => new { op = "typing", id = "n1", conversationId },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Op_OthersConversation_ConversationNotFoundIdenticalToUnknownId(string kind)
    {
        var (b, c, theirs) = await factory.PairAsync();
        await b.SendOkAsync(theirs, "private");
        var outsider = await factory.RegisterAsync();
        await using var socket = await factory.OpenAsync(outsider);
        await using var member = await factory.OpenAsync(c);
        await GatewayHelpers.SettleAsync(socket, member);

        await socket.SendAsync(Frame(kind, theirs));
        var forOthers = await socket.ExpectErrorAsync("conversation_not_found", "n1");
        await socket.SendAsync(Frame(kind, UnknownId));
        var forUnknown = await socket.ExpectErrorAsync("conversation_not_found", "n1");

        Assert.Equal(forUnknown.GetRawText(), forOthers.GetRawText());
        // Nothing leaked to the members either: no message, receipt or typing.
        await member.ExpectQuietAsync();
        Assert.Single((await b.PageAsync(theirs)).Messages);
    }

    [Fact]
    public async Task Op_AfterBeingRemoved_ConversationNotFound()
    {
        _ = factory.BaseUri;
        var users = await factory.RegisterManyAsync(2);
        var group = await users[0].CreateGroupAsync("soon without you", users[1]);
        await using var socket = await factory.OpenAsync(users[1]);
        await users[0].RemoveMemberAsync(group.Id, users[1].Id);
        await socket.ReceiveOpAsync("conversation");

        await socket.SendAsync(Frame("send", group.Id));

        await socket.ExpectErrorAsync("conversation_not_found", "n1");
    }
}
