using TokenIM.Client;
using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>A bot made by the app: it speaks through the server API, users hear it live, and with a minted token it holds a socket.</summary>
public sealed class ServerBotTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    private async Task<ServerUserDto> BotAsync(TokenImServerClient server) =>
        await server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("bot"), "Echo bot", IsBot: true));

    [Fact]
    public async Task BotAddedToAGroup_SendsThroughTheServerApi_UserSocketReceivesItLive()
    {
        using var server = await factory.ServerClientAsync();
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 81);
        var bot = await BotAsync(server);
        var group = await alice.Rest.CreateGroupAsync("With a bot", []);
        await alice.ConnectAsync();

        var joined = await server.AddMembersAsync(group.Id, [bot.Id], actorId: alice.UserId);
        var sent = await server.SendMessageAsync(group.Id, bot.Id, "bot-1", "Hello, I am a bot.");
        await alice.Log.WaitForAsync(group.Id, 1, Timeout, "alice");

        Assert.Contains(joined.Members, m => m.UserId == bot.Id);
        var received = Assert.Single(alice.Log.Of(group.Id));
        Assert.Equal((sent.Id, 1L, bot.Id, "Hello, I am a bot."), (received.Id, received.Seq, received.SenderId, received.Text));
    }

    [Fact]
    public async Task MintedBotToken_OpensASocket_BotSendsAndHearsTheUser()
    {
        using var server = await factory.ServerClientAsync();
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 82);
        var bot = await BotAsync(server);
        var direct = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Direct, bot.Id, PeerId: alice.UserId));
        using var botRest = new TokenImClient(factory.BaseUri);
        botRest.UseTokens(TokenSet.From(await server.MintTokenAsync(bot.Id, "bot worker"), DateTimeOffset.UtcNow));
        await using var botSocket = new TokenImRealtimeClient(botRest, new TokenImRealtimeOptions { Random = new Random(83) });
        var botLog = new MessageLog();
        botLog.Attach(botSocket);
        await botSocket.ConnectAsync().WaitAsync(Timeout);
        await alice.ConnectAsync();

        var ack = await botSocket.SendAsync(direct.Id, "ping from the bot's socket").WaitAsync(Timeout);
        await alice.Log.WaitForAsync(direct.Id, 1, Timeout, "alice");
        await alice.Realtime.SendAsync(direct.Id, "pong from alice").WaitAsync(Timeout);
        // The bot's own send is delivered to its application too (from the ack): alice's is the second.
        await botLog.WaitForAsync(direct.Id, 2, Timeout, "bot");

        Assert.Equal(ConnectionState.Connected, botSocket.State);
        Assert.Equal((ack.MessageId, bot.Id), (alice.Log.Of(direct.Id)[0].Id, alice.Log.Of(direct.Id)[0].SenderId));
        Assert.Equal((2L, alice.UserId, "pong from alice"), (botLog.Of(direct.Id)[^1].Seq, botLog.Of(direct.Id)[^1].SenderId, botLog.Of(direct.Id)[^1].Text));
    }

    [Fact]
    public async Task EchoBot_AsInTheIntegrationGuide_RepliesToEveryUserMessage()
    {
        using var server = await factory.ServerClientAsync();
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 84);
        var group = await alice.Rest.CreateGroupAsync("Orders", []);
        await alice.ConnectAsync();

        // docs/integration.md, "The echo bot in C#": the same calls.
        var bot = await server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("echo"), "Echo", IsBot: true));
        await server.AddMembersAsync(group.Id, [bot.Id]);
        using var rest = new TokenImClient(factory.BaseUri);
        rest.UseTokens(TokenSet.From(await server.MintTokenAsync(bot.Id, "echo worker"), DateTimeOffset.UtcNow));
        await using var socket = new TokenImRealtimeClient(rest);
        socket.MessageReceived += (_, message) =>
        {
            if (message.SenderId != bot.Id)
                _ = server.SendMessageAsync(message.ConversationId, bot.Id, $"echo-{message.Id}", $"echo: {message.Text}");
        };
        await socket.ConnectAsync().WaitAsync(Timeout);

        await alice.Realtime.SendAsync(group.Id, "where is my parcel?").WaitAsync(Timeout);
        await alice.Log.WaitForAsync(group.Id, 2, Timeout, "alice");

        var reply = alice.Log.Of(group.Id)[1];
        Assert.Equal((bot.Id, "echo: where is my parcel?"), (reply.SenderId, reply.Text));
    }

    [Fact]
    public async Task CreateConversation_ThroughTheServerApi_MembersHearOfItLive()
    {
        using var server = await factory.ServerClientAsync();
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 85);
        var bot = await BotAsync(server);
        await alice.ConnectAsync();
        var heard = new TaskCompletionSource<ConversationEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Realtime.ConversationChanged += (_, change) => heard.TrySetResult(change);

        var group = await server.CreateConversationAsync(new ServerCreateConversationRequest(ConversationTypes.Group, bot.Id, [alice.UserId], Title: "Made by the app"));
        var change = await heard.Task.WaitAsync(Timeout);

        Assert.Equal((ConversationEvents.Created, group.Id, "Made by the app"), (change.Event, change.Conversation.Id, change.Conversation.Title));
    }
}
