using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace TokenIM.Cli.Bench;

/// <summary>
/// A lean protocol socket for load generation: the token in the upgrade's <c>Authorization</c> header, a single
/// writer draining a queue of pre-encoded frames, and a receive loop that hands each whole text frame to a callback
/// on the receiving thread. It waits with zero-byte reads, so thousands of idle sockets hold no buffer here either.
/// </summary>
internal sealed class BenchSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _outbox =
        Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private Task _loops = Task.CompletedTask;

    private BenchSocket(ClientWebSocket socket, int index)
    {
        _socket = socket;
        Index = index;
    }

    /// <summary>The caller's number for this socket (the user it belongs to), passed back to the frame callback.</summary>
    public int Index { get; }

    /// <summary>
    /// Opens a socket for <paramref name="token"/> and returns once <c>ready</c> arrived; every later frame goes to
    /// <paramref name="onFrame"/> (called on the receive loop: keep it short, do not block).
    /// </summary>
    public static async Task<BenchSocket> ConnectAsync(Uri endpoint, string token, HttpMessageInvoker? invoker, int index,
        FrameHandler onFrame, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("tokenim.v1");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var bench = new BenchSocket(socket, index);
        try
        {
            await socket.ConnectAsync(endpoint, invoker, cancellationToken).ConfigureAwait(false);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            bench._loops = Task.WhenAll(bench.ReceiveLoopAsync(ready, onFrame), bench.WriteLoopAsync());
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return bench;
        }
        catch
        {
            await bench.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An HTTP handler whose connections leave from <paramref name="source"/> (127.0.0.x spreads sockets past one address's ports).</summary>
    public static HttpMessageInvoker InvokerFrom(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });

    /// <summary>Queues one encoded frame; false once the socket is closing.</summary>
    public bool Send(ReadOnlyMemory<byte> frame) => _outbox.Writer.TryWrite(frame);

    /// <summary>Whether the server ended the socket (a close frame or a broken connection).</summary>
    public bool Closed { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or IOException)
        {
            _socket.Abort();
        }
    }

    private async Task ReceiveLoopAsync(TaskCompletionSource ready, FrameHandler onFrame)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                // Zero-byte read: wait for data without holding a buffer.
                await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                var rented = ArrayPool<byte>.Shared.Rent(16 * 1024);
                try
                {
                    ValueWebSocketReceiveResult result;
                    buffer.ResetWrittenCount();
                    do
                    {
                        result = await _socket.ReceiveAsync(rented.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                        buffer.Write(rented.AsSpan(0, result.Count));
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                    if (result.MessageType == WebSocketMessageType.Close)
                        break;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }

                if (!ready.Task.IsCompleted)
                {
                    if (!BenchFrame.Parse(buffer.WrittenSpan).Op.SequenceEqual("ready"u8))
                        throw new WebSocketException("The first frame was not ready: " + System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
                    ready.TrySetResult();
                }
                else
                    onFrame(this, buffer.WrittenSpan);
            }
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            ready.TrySetException(error);
        }
        finally
        {
            Closed = true;
            ready.TrySetException(new WebSocketException($"The server closed the socket before ready ({_socket.CloseStatus}: {_socket.CloseStatusDescription})."));
            _outbox.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        _socket.Abort();
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or IOException)
        {
            // Already counted by the scenario as a closed socket; disposal only releases it.
        }

        _socket.Dispose();
    }
}

/// <summary>Handles one whole text frame received on <paramref name="socket"/>; the span is only valid during the call.</summary>
internal delegate void FrameHandler(BenchSocket socket, ReadOnlySpan<byte> frame);
