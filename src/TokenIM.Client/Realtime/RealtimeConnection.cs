using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace TokenIM.Client.Realtime;

/// <summary>
/// One WebSocket and what belongs to it alone: the outbound queue with its single writer (ClientWebSocket allows
/// one send at a time, and the receive loop must never wait for a slow write), the requests awaiting a reply, and
/// whether <c>ready</c> has arrived. A reconnect makes a new one; nothing of an old connection is reused.
/// </summary>
internal sealed class RealtimeConnection : IDisposable
{
    public const string SubProtocol = "tokenim.v1";

    private readonly ClientWebSocket _socket;
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<object>> _requests = new();

    private RealtimeConnection(ClientWebSocket socket, string accessToken)
    {
        _socket = socket;
        AccessToken = accessToken;
    }

    /// <summary>The access token the socket runs under: the upgrade's, then the last one a <c>refresh</c> frame got accepted.</summary>
    public string AccessToken { get; set; }

    /// <summary>Completed by the receive loop when <c>ready</c> arrives.</summary>
    public TaskCompletionSource<string> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Opens the socket with the access token in the <c>Authorization</c> header of the upgrade.</summary>
    /// <exception cref="UpgradeRefusedException">The server answered the upgrade with an HTTP status instead of 101.</exception>
    public static async Task<RealtimeConnection> OpenAsync(Uri endpoint, string accessToken, TokenImRealtimeOptions options,
        CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.AddSubProtocol(SubProtocol);
            socket.Options.SetRequestHeader("Authorization", "Bearer " + accessToken);
            socket.Options.KeepAliveInterval = options.KeepAliveInterval;
            socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
            socket.Options.CollectHttpResponseDetails = true;
            options.ConfigureSocket?.Invoke(socket.Options);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            }
            catch (WebSocketException error) when (socket.HttpStatusCode is not 0 and not HttpStatusCode.SwitchingProtocols)
            {
                throw new UpgradeRefusedException(socket.HttpStatusCode, error);
            }
            if (socket.SubProtocol != SubProtocol)
                throw new WebSocketException(WebSocketError.UnsupportedProtocol, $"The server did not select the {SubProtocol} subprotocol.");
            return new RealtimeConnection(socket, accessToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Queues a frame for the writer; false once the connection is closing.</summary>
    public bool TrySend(byte[] frame) => _outbox.Writer.TryWrite(frame);

    /// <summary>Registers a request awaiting the reply whose <c>re</c> is <paramref name="id"/>.</summary>
    public TaskCompletionSource<object> Expect(string id)
    {
        var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = reply;
        return reply;
    }

    public void Forget(string id) => _requests.TryRemove(id, out _);

    /// <summary>Completes the request <paramref name="re"/> with its reply; false if nobody waits for it.</summary>
    public bool Answer(string? re, object reply) =>
        re is not null && _requests.TryRemove(re, out var waiting) && waiting.TrySetResult(reply);

    /// <summary>Faults the request <paramref name="re"/>; false if nobody waits for it.</summary>
    public bool Fail(string? re, Exception error) =>
        re is not null && _requests.TryRemove(re, out var waiting) && waiting.TrySetException(error);

    /// <summary>The connection ended: every request still waiting fails, and nothing more can be queued.</summary>
    public void FailAll(Exception error)
    {
        _outbox.Writer.TryComplete();
        foreach (var id in _requests.Keys)
            Fail(id, error);
    }

    /// <summary>Writes queued frames in order until the queue completes; then starts the closing handshake.</summary>
    public async Task RunWriterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            // CloseReceived: the server closed first and waits for our half of the handshake.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closing", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A write failed, so the socket is broken: abort it so the receive loop ends and the client reconnects.
            _socket.Abort();
        }
    }

    /// <summary>Reads one whole text frame into <paramref name="buffer"/>; false when the socket closed.</summary>
    public async Task<bool> ReceiveAsync(ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
                return false;
            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                // The protocol sends text frames only; a binary one would be a server bug and is skipped.
                if (result.MessageType == WebSocketMessageType.Text)
                    return true;
                buffer.ResetWrittenCount();
            }
        }
    }

    /// <summary>Asks for a normal close (after the queued frames are written) and stops accepting new ones.</summary>
    public void BeginClose() => _outbox.Writer.TryComplete();

    /// <summary>Drops the connection at once, as a network failure would (also the tests' way to cut a socket).</summary>
    public void Abort() => _socket.Abort();

    public void Dispose() => _socket.Dispose();
}

/// <summary>The server refused the WebSocket upgrade with an HTTP status (401: the token; 403: the origin; 429, 503…).</summary>
internal sealed class UpgradeRefusedException(HttpStatusCode status, Exception inner)
    : Exception($"The WebSocket upgrade was refused with HTTP {(int)status}.", inner)
{
    public HttpStatusCode Status { get; } = status;
}
