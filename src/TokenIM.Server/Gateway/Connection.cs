using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using TokenIM.Protocol;
using TokenIM.Server.Delivery;
using TokenIM.Server.Hosting;
using TokenIM.Server.Stats;
using TokenIM.Server.Telemetry;

namespace TokenIM.Server.Gateway;

/// <summary>
/// One socket: a read loop (frames in, handed to the dispatcher one at a time), a bounded outbox and a write loop
/// (frames out). The outbox is counted in bytes; a reader too slow for it is closed with 4009 and what was queued
/// is dropped, so a slow reader never makes the server's memory grow. Closing is one-way and idempotent: the first
/// close code wins, the outbox drains (unless it overflowed), the close frame goes out, and a peer that does not
/// answer it is cut off after a few seconds.
/// </summary>
internal sealed partial class Connection(
    WebSocket socket, GatewaySettings settings, NodeCounters counters, TimeProvider time, ILogger logger, TokenImMetrics? metrics = null)
    : IClientConnection, IDisposable
{
    public const int MaxFrameBytes = 64 * 1024;
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_unauthenticatedCloseTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_slowReaderTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<ReadOnlyMemory<byte>> _outbox = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _writeAbort = new();
    private readonly CancellationTokenSource _readAbort = new();
    private readonly Lock _inFlightGate = new();
    private long _queuedBytes;
    private int _closeCode;
    private string _closeReason = string.Empty;
    private volatile bool _dropQueued;
    private int _inFlight;
    private bool _draining;
    private TaskCompletionSource? _inFlightDrained;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string UserId { get; private set; } = string.Empty;

    public string SessionId { get; private set; } = string.Empty;

    /// <summary>When the access token the socket runs under expires.</summary>
    public DateTimeOffset TokenExpiresAt { get; private set; }

    public bool IsClosing => Volatile.Read(ref _closeCode) != 0;

    /// <summary>Set when the server shuts down: new sends are not taken, pending acks still go out.</summary>
    public bool IsDraining
    {
        get => Volatile.Read(ref _draining);
        private set => Volatile.Write(ref _draining, value);
    }

    /// <summary>Sends refused (rate limit) since the last accepted one.</summary>
    public int RefusedSends { get; set; }

    /// <summary>Bytes waiting in the outbox now.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public void Authenticate(string userId, string sessionId, DateTimeOffset expiresAt)
    {
        UserId = userId;
        SessionId = sessionId;
        TokenExpiresAt = expiresAt;
    }

    public void Reauthenticate(DateTimeOffset expiresAt) => TokenExpiresAt = expiresAt;

    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (IsClosing)
            return false;
        // A single frame larger than the whole outbox (a big sync answer) passes when nothing else waits: the bound is
        // on what piles up for a reader that does not keep up, not on one answer it asked for.
        var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued > settings.OutboxBytes && queued != frame.Length)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            LogSlowReader(logger, UserId, Id);
            metrics?.SlowReaderClosed();
            _dropQueued = true;
            Close(CloseCodes.SlowReader, "too slow a reader");
            // The frame in flight may never finish against a reader that stopped: give it a while, then cut.
            _writeAbort.CancelAfter(s_slowReaderTimeout);
            return false;
        }

        return _outbox.Writer.TryWrite(frame);
    }

    public bool Send<T>(T frame, JsonTypeInfo<T> typeInfo) => TryEnqueue(JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo));

    public void Close(int code, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeCode, code, 0) != 0)
            return;
        _closeReason = reason;
        _outbox.Writer.TryComplete();
    }

    /// <summary>
    /// Counts a send from the moment it is read until its ack is queued, so a graceful shutdown waits for it. Taken
    /// before the send checks <see cref="IsDraining"/>: a send is then either refused or waited for, never lost between.
    /// </summary>
    public IDisposable BeginInFlight()
    {
        lock (_inFlightGate)
            _inFlight++;
        return new InFlight(this);
    }

    private void EndInFlight()
    {
        lock (_inFlightGate)
        {
            if (--_inFlight == 0)
                _inFlightDrained?.TrySetResult();
        }
    }

    /// <summary>Graceful shutdown of this socket: take no new sends, let the pending ones commit and be acked, then close with 1001.</summary>
    public async Task ShutdownAsync(TimeSpan timeout)
    {
        IsDraining = true;
        try
        {
            await InFlightDrainedAsync().WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            // Unacked sends are resent by the client after it reconnects; nothing acked is lost either way.
        }

        Close(CloseCodes.ServerShutdown, "server shutting down");
    }

    /// <summary>Completes when no ack is pending.</summary>
    public Task InFlightDrainedAsync()
    {
        lock (_inFlightGate)
        {
            if (_inFlight == 0)
                return Task.CompletedTask;
            _inFlightDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _inFlightDrained.Task;
        }
    }

    /// <summary>Reads one whole text frame into a pooled buffer; null when the peer closed, or after the close this side began.</summary>
    public async Task<Frame?> ReceiveAsync()
    {
        // A zero-byte read first: an idle socket waits holding no buffer; one is rented only once data has arrived.
        try
        {
            var first = await socket.ReceiveAsync(Memory<byte>.Empty, _readAbort.Token);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                Close((int)WebSocketCloseStatus.NormalClosure, string.Empty);
                return null;
            }

            if (first.MessageType == WebSocketMessageType.Binary)
            {
                Close(CloseCodes.ProtocolViolation, "text frames only");
                return null;
            }

            // An empty frame is whole already: reading on would run it into the next one.
            if (first.EndOfMessage)
                return new Frame(ArrayPool<byte>.Shared.Rent(1), 0);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            Close((int)WebSocketCloseStatus.EndpointUnavailable, string.Empty);
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == Math.Min(buffer.Length, MaxFrameBytes + 1))
                {
                    // Grow only as far as the limit (plus one byte, to tell "exactly the limit" from "over it").
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxFrameBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                // Never ask for more than the limit (+ 1): the pool may hand out a bigger array, and a read into the
                // whole of it waits for that much of an over-long frame before its length can be refused.
                var result = await socket.ReceiveAsync(buffer.AsMemory(length, Math.Min(buffer.Length, MaxFrameBytes + 1) - length), _readAbort.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Close((int)WebSocketCloseStatus.NormalClosure, string.Empty);
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }

                length += result.Count;
                if (length > MaxFrameBytes)
                {
                    Close((int)WebSocketCloseStatus.MessageTooBig, "frame over 64 KiB");
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Close(CloseCodes.ProtocolViolation, "text frames only");
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }

                if (result.EndOfMessage)
                    return new Frame(buffer, length);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Close((int)WebSocketCloseStatus.EndpointUnavailable, string.Empty);
            return null;
        }
    }

    /// <summary>The write loop: runs until the connection closes, then sends the close frame and bounds the wait for the peer.</summary>
    public async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (!_dropQueued)
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _writeAbort.Token);
                    counters.FrameOut();
                }

                Interlocked.Add(ref _queuedBytes, -frame.Length);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The peer is gone or was cut off; nothing more can be written.
        }

        if (_dropQueued)
        {
            // What remains queued will never be sent: release it now.
            while (_outbox.Reader.TryRead(out var frame))
                Interlocked.Add(ref _queuedBytes, -frame.Length);
        }

        // A socket that never authenticated gets a short close handshake: an honest client answers at once, one that stays
        // mute would otherwise hold it 5 s past its AuthTimeout (ExhaustionTests).
        var closeTimeout = UserId.Length == 0 ? s_unauthenticatedCloseTimeout : s_closeTimeout;
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(closeTimeout, time);
            try
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)Volatile.Read(ref _closeCode), _closeReason, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The peer is gone; the read loop ends by itself.
            }
        }

        // The peer has a few seconds to answer the close; then the read loop is cut off.
        _readAbort.CancelAfter(closeTimeout);
    }

    public void Dispose()
    {
        _writeAbort.Dispose();
        _readAbort.Dispose();
        socket.Dispose();
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Warning, Message = "Socket {ConnectionId} of user {UserId} read too slowly for its outbox: closing with 4009")]
    private static partial void LogSlowReader(ILogger logger, string userId, string connectionId);

    private sealed class InFlight(Connection connection) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                connection.EndInFlight();
        }
    }
}

/// <summary>A received text frame in a pooled buffer; return it with <see cref="Release"/>.</summary>
internal readonly record struct Frame(byte[] Buffer, int Length)
{
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
