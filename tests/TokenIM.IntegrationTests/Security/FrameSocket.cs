using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// What the server did with a fuzzed connection: its close code (null when none was read), whether it ended the TCP
/// connection, whether with a reset, and what else it sent. A server that fails a connection sends its close frame and
/// closes the socket while the client's bytes are still unread, so the kernel answers them with a reset, and a reset
/// can discard the close frame before the client reads it: <see cref="Reset"/> with no code is that race, not a
/// missing close frame.
/// </summary>
internal sealed record ServerVerdict(int? CloseCode, bool Answered, bool Reset, int TextFrames, int Pongs);

/// <summary>
/// RFC 6455 by hand over a bare TCP socket: the upgrade (tokenim.v1, the token in the Authorization header), then any
/// bytes at all, so frames ClientWebSocket refuses to write (reserved bits, bad opcodes, no mask, lying lengths) reach
/// the server. A background reader takes the server's frames until it closes the TCP connection.
/// </summary>
internal sealed class FrameSocket : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Channel<int> _opcodes = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<int?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<ServerVerdict> _reader;
    private int _textFrames;
    private int _pongs;

    private FrameSocket(TcpClient tcp, byte[] leftover)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = Task.Run(() => ReadAsync(leftover));
    }

    /// <summary>True once the server sent its close frame (or dropped the connection).</summary>
    public bool ServerClosed => _closed.Task.IsCompleted;

    public int Pongs => Volatile.Read(ref _pongs);

    public int TextFrames => Volatile.Read(ref _textFrames);

    /// <summary>Upgrades and waits for <c>ready</c>, so what follows reaches an authenticated read loop.</summary>
    public static async Task<FrameSocket> ConnectAsync(int port, string accessToken)
    {
        var (tcp, head, key, leftover) = await Frames.UpgradeAsync(port, accessToken, s_wait);
        // SHA-1 is what RFC 6455 prescribes for the accept key; it protects nothing here.
#pragma warning disable CA5350
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        Assert.Contains($"Sec-WebSocket-Accept: {accept}", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sec-WebSocket-Protocol: tokenim.v1", head, StringComparison.OrdinalIgnoreCase);

        var socket = new FrameSocket(tcp, leftover);
        if (!await socket.NextTextFrameAsync())
            Assert.Fail($"No ready: the server closed with {await socket._closed.Task}");
        return socket;
    }

    /// <summary>Writes raw bytes; false when the server has already dropped the connection.</summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _stream.WriteAsync(bytes).AsTask().WaitAsync(s_wait);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends the connection as a client would (a close 1000 unless the server closed first) and waits until the server
    /// has closed the TCP connection, so the server is done with it before the next one opens.
    /// </summary>
    public async Task<ServerVerdict> FinishAsync()
    {
        if (!ServerClosed)
            await WriteAsync(Frames.CloseFrame(1000, Frames.Mask(0x5A5A5A5A)));
        try
        {
            return await _reader.WaitAsync(s_wait);
        }
        catch (TimeoutException)
        {
            return new ServerVerdict(_closed.Task.IsCompleted ? _closed.Task.Result : null, Answered: false, Reset: false, TextFrames, Pongs);
        }
    }

    /// <summary>Waits for the server's next text frame; false when it closes instead. Pongs and pings are counted on the way.</summary>
    public async Task<bool> NextTextFrameAsync()
    {
        while (await _opcodes.Reader.WaitToReadAsync().AsTask().WaitAsync(s_wait))
        {
            while (_opcodes.Reader.TryRead(out var opcode))
            {
                if (opcode == 0x1)
                    return true;
                if (opcode == 0x8)
                    return false;
            }
        }

        return false;
    }

    private async Task<ServerVerdict> ReadAsync(byte[] leftover)
    {
        var buffer = new List<byte>(leftover);
        var chunk = new byte[16 * 1024];
        int? closeCode = null;
        var answered = false;
        var reset = false;
        try
        {
            while (true)
            {
                while (Frames.TryTakeServerFrame(buffer, out var opcode, out var payload))
                {
                    switch (opcode)
                    {
                        case 0x1:
                            Interlocked.Increment(ref _textFrames);
                            break;
                        case 0xA:
                            Interlocked.Increment(ref _pongs);
                            break;
                        case 0x8:
                            closeCode ??= payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                            _closed.TrySetResult(closeCode);
                            break;
                    }

                    _opcodes.Writer.TryWrite(opcode);
                }

                var read = await _stream.ReadAsync(chunk);
                if (read == 0)
                {
                    answered = true;
                    break;
                }

                buffer.AddRange(chunk.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // A reset is an answer too: the server is done with the connection.
            answered = true;
            reset = true;
        }

        _closed.TrySetResult(closeCode);
        _opcodes.Writer.TryComplete();
        return new ServerVerdict(closeCode, answered, reset, TextFrames, Pongs);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reader.WaitAsync(s_wait);
        }
        catch (TimeoutException)
        {
            // Disposing the socket ends the reader; a reader still stuck is reported by FinishAsync, not here.
        }
    }
}
