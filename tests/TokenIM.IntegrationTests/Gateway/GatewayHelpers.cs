using System.Net;
using System.Text.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>Frame assertions and barriers for gateway tests over <see cref="RawSocket"/>.</summary>
internal static class GatewayHelpers
{
    private static int s_barriers;

    public static string Op(this JsonElement frame) => frame.GetProperty("op").GetString()!;

    /// <summary>A string member, or null when it is absent or not a string.</summary>
    public static string? Str(this JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long Long(this JsonElement frame, string name) => frame.GetProperty(name).GetInt64();

    public static bool Has(this JsonElement frame, string name) => frame.TryGetProperty(name, out _);

    /// <summary>
    /// The barrier that proves "nothing arrives": a ping whose pong must be the very next frame. The server handles a
    /// socket's frames in order and its events are enqueued synchronously, so anything caused before the ping would
    /// come before the pong.
    /// </summary>
    public static async Task ExpectQuietAsync(this RawSocket socket, bool ignorePresence = false)
    {
        var id = $"barrier-{Interlocked.Increment(ref s_barriers)}";
        await socket.SendAsync(new { op = "ping", id });
        var next = await socket.ReceiveAsync();
        while (ignorePresence && next.Op() == "presence")
            next = await socket.ReceiveAsync();
        Assert.True(next.Op() == "pong" && next.Str("re") == id, $"Expected nothing but pong {id}, got {next.GetRawText()}");
    }

    /// <summary>Reads up to a fresh pong; returns the frames that came before it.</summary>
    public static async Task<List<JsonElement>> DrainAsync(this RawSocket socket)
    {
        var id = $"drain-{Interlocked.Increment(ref s_barriers)}";
        await socket.SendAsync(new { op = "ping", id });
        var before = new List<JsonElement>();
        while (true)
        {
            var frame = await socket.ReceiveAsync();
            if (frame.Op() == "pong" && frame.Str("re") == id)
                return before;
            before.Add(frame);
        }
    }

    /// <summary>
    /// Lets every socket's connect-time traffic (ready's presence list, presence published to others) pass, so the
    /// next frame on each is caused by the test. One drain proves a socket's own connect handling finished (its read
    /// loop runs after it); the second pass collects what those connects sent to the others.
    /// </summary>
    public static async Task SettleAsync(params RawSocket[] sockets)
    {
        foreach (var socket in sockets)
            await socket.DrainAsync();
        foreach (var socket in sockets)
            await socket.DrainAsync();
    }

    /// <summary>The next frame must be an error with <paramref name="code"/> and <c>re</c> = <paramref name="re"/> (absent when null).</summary>
    public static async Task<JsonElement> ExpectErrorAsync(this RawSocket socket, string code, string? re)
    {
        var frame = await socket.ReceiveAsync();
        Assert.True(frame.Op() == "error", $"Expected error {code}, got {frame.GetRawText()}");
        Assert.Equal(code, frame.Str("code"));
        Assert.Equal(re, frame.Str("re"));
        Assert.False(re is null && frame.Has("re"), $"Expected no re: {frame.GetRawText()}");
        Assert.False(string.IsNullOrEmpty(frame.Str("message")));
        return frame;
    }

    /// <summary>Two users with a direct conversation; the server is started.</summary>
    public static async Task<(TestUser A, TestUser B, string ConversationId)> PairAsync(this LiveTokenImFactory factory)
    {
        _ = factory.BaseUri;
        var a = await factory.RegisterAsync();
        var b = await factory.RegisterAsync();
        var conversation = await (await a.CreateDirectAsync(b.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        return (a, b, conversation.Id);
    }

    /// <summary>A second sign-in (session, device) of the same user.</summary>
    public static async Task<TestUser> LoginAsync(this TokenImFactory factory, TestUser user, string deviceName)
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password, deviceName));
        var tokens = await response.ReadAsync<TokenResponse>();
        return user with { Tokens = tokens, Client = factory.ClientWith(tokens.AccessToken) };
    }

    public static Task<RawSocket> OpenAsync(this LiveTokenImFactory factory, TestUser user) => RawSocket.ReadyAsync(factory.BaseUri, user.Tokens.AccessToken);

    /// <summary>Sends over the socket and returns its ack, skipping events; fails on an error.</summary>
    public static async Task<JsonElement> SendAckedAsync(this RawSocket socket, string conversationId, string text, string clientMsgId, string id)
    {
        await socket.SendAsync(new { op = "send", id, conversationId, clientMsgId, text });
        while (true)
        {
            var frame = await socket.ReceiveAsync();
            if (frame.Op() is not ("ack" or "error"))
                continue;
            Assert.True(frame.Op() == "ack" && frame.Str("re") == id, $"Expected the ack of {id}, got {frame.GetRawText()}");
            return frame;
        }
    }
}
