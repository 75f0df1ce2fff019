using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>A bare protocol client over ClientWebSocket: frames in and out as JSON, nothing hidden. For gateway tests.</summary>
public sealed class RawSocket : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    private RawSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<RawSocket> ConnectAsync(Uri baseUri, string? accessToken = null, string? origin = null, string query = "", bool offerSubprotocol = true)
    {
        var socket = Create(accessToken, origin, offerSubprotocol);
        await socket.ConnectAsync(GatewayUri(baseUri, query), CancellationToken.None).WaitAsync(s_wait);
        return new RawSocket(socket);
    }

    /// <summary>An upgrade the server is expected to refuse: fails if it is accepted, else returns the HTTP status of the refusal.</summary>
    public static async Task<HttpStatusCode> RefusedStatusAsync(Uri baseUri, string? accessToken = null, string? origin = null, string query = "", bool offerSubprotocol = true)
    {
        using var socket = Create(accessToken, origin, offerSubprotocol);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(GatewayUri(baseUri, query), CancellationToken.None).WaitAsync(s_wait));
        return socket.HttpStatusCode;
    }

    private static ClientWebSocket Create(string? accessToken, string? origin, bool offerSubprotocol)
    {
        var socket = new ClientWebSocket();
        if (offerSubprotocol)
            socket.Options.AddSubProtocol("tokenim.v1");
        if (accessToken is not null)
            socket.Options.SetRequestHeader("Authorization", $"Bearer {accessToken}");
        if (origin is not null)
            socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        return socket;
    }

    private static Uri GatewayUri(Uri baseUri, string query) => new UriBuilder(baseUri) { Scheme = "ws", Path = "/ws", Query = query }.Uri;

    /// <summary>Connects with the header token and reads <c>ready</c>.</summary>
    public static async Task<RawSocket> ReadyAsync(Uri baseUri, string accessToken)
    {
        var socket = await ConnectAsync(baseUri, accessToken);
        var ready = await socket.ReceiveAsync();
        Assert.Equal("ready", ready.GetProperty("op").GetString());
        return socket;
    }

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(s_wait);

    /// <summary>Sends bytes as one frame (or a fragment, when <paramref name="endOfMessage"/> is false) of any type, unchecked: for malformed, binary and oversized frames.</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> bytes, WebSocketMessageType type = WebSocketMessageType.Text, bool endOfMessage = true) =>
        Socket.SendAsync(bytes, type, endOfMessage, CancellationToken.None).AsTask().WaitAsync(s_wait);

    /// <summary>The next frame as JSON; fails if the socket closes first.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        var (frame, _) = await ReceiveOrCloseAsync();
        Assert.True(frame is not null, $"The socket closed: {Socket.CloseStatus} {Socket.CloseStatusDescription}");
        return frame!.Value;
    }

    /// <summary>The next frame whose op is <paramref name="op"/>, skipping others (presence, typing…).</summary>
    public async Task<JsonElement> ReceiveOpAsync(string op)
    {
        while (true)
        {
            var frame = await ReceiveAsync();
            if (frame.GetProperty("op").GetString() == op)
                return frame;
        }
    }

    /// <summary>Reads until the server closes; returns the close status.</summary>
    public async Task<int?> ReceiveCloseAsync()
    {
        while (true)
        {
            var (frame, closed) = await ReceiveOrCloseAsync();
            if (frame is null)
                return closed;
        }
    }

    /// <summary>The next frame, or (null, close status) when the server closes instead.</summary>
    public Task<(JsonElement? Frame, int? Close)> ReceiveFrameOrCloseAsync() => ReceiveOrCloseAsync();

    private async Task<(JsonElement? Frame, int? Close)> ReceiveOrCloseAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await Socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(s_wait);
            }
            catch (WebSocketException)
            {
                return (null, (int?)Socket.CloseStatus ?? 1006);
            }

            if (result.MessageType == WebSocketMessageType.Close)
                return (null, (int?)result.CloseStatus);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
                return (JsonDocument.Parse(message.ToArray()).RootElement.Clone(), null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
                // Already gone.
            }
        }

        Socket.Dispose();
    }
}
