using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// A WebSocket client by hand over a bare TCP socket that behaves as badly as a test asks: it may never authenticate,
/// never answer the server's pings or its close frame, and write any bytes at any pace. A background reader timestamps
/// the server's close frame and the end of the TCP connection, measured from the moment the upgrade was answered.
/// </summary>
internal sealed class ExhaustionSocket : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly bool _answerClose;
    private readonly long _upgradedAt;
    private readonly TaskCompletionSource<(int Code, TimeSpan After)> _closeFrame = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TimeSpan> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstText = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _pings;

    private ExhaustionSocket(TcpClient tcp, byte[] leftover, bool answerClose)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _answerClose = answerClose;
        _upgradedAt = Stopwatch.GetTimestamp();
        _ = Task.Run(() => ReadAsync(leftover));
    }

    /// <summary>The server's close code and when it came; faults if the connection ended without one.</summary>
    public Task<(int Code, TimeSpan After)> CloseFrame => _closeFrame.Task;

    /// <summary>When the server ended the TCP connection (a FIN or a reset).</summary>
    public Task<TimeSpan> Ended => _ended.Task;

    /// <summary>Pings the server sent, none of which this client answers.</summary>
    public int Pings => Volatile.Read(ref _pings);

    /// <summary>
    /// Upgrades (tokenim.v1; with the token in the Authorization header when given) and starts reading. With
    /// <paramref name="answerClose"/> the client answers the server's close frame as RFC 6455 asks; without, it stays mute.
    /// </summary>
    public static async Task<ExhaustionSocket> ConnectAsync(int port, string? accessToken = null, bool answerClose = true)
    {
        var (tcp, head, _, leftover) = await Frames.UpgradeAsync(port, accessToken, s_wait);
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        return new ExhaustionSocket(tcp, leftover, answerClose);
    }

    /// <summary>Waits for the server's first text frame (<c>ready</c> after a header token).</summary>
    public Task FirstTextFrameAsync() => _firstText.Task.WaitAsync(s_wait);

    /// <summary>Writes raw bytes; false when the server has already dropped the connection.</summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writeGate.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes).AsTask().WaitAsync(s_wait);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private TimeSpan Elapsed => Stopwatch.GetElapsedTime(_upgradedAt);

    private async Task ReadAsync(byte[] leftover)
    {
        var buffer = new List<byte>(leftover);
        var chunk = new byte[16 * 1024];
        try
        {
            while (true)
            {
                while (Frames.TryTakeServerFrame(buffer, out var opcode, out var payload))
                {
                    if (opcode == Frames.Text)
                    {
                        _firstText.TrySetResult();
                    }
                    else if (opcode == Frames.Ping)
                    {
                        Interlocked.Increment(ref _pings);
                    }
                    else if (opcode == Frames.Close)
                    {
                        var code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                        _closeFrame.TrySetResult((code, Elapsed));
                        if (_answerClose)
                            await WriteAsync(Frames.CloseFrame(code, Frames.Mask(0x1234ABCD)));
                    }
                }

                if (await _stream.ReadAsync(chunk) is var read && read == 0)
                    break;
                buffer.AddRange(chunk.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // A reset ends the connection as surely as a FIN.
        }

        var ended = Elapsed;
        _closeFrame.TrySetException(new InvalidOperationException($"The connection ended after {ended.TotalMilliseconds:F0} ms without a close frame."));
        _firstText.TrySetException(new InvalidOperationException("The connection ended before a text frame."));
        _ended.TrySetResult(ended);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _ended.Task.WaitAsync(s_wait);
        _writeGate.Dispose();
    }
}
