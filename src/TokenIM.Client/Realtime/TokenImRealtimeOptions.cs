using System.Net.WebSockets;

namespace TokenIM.Client.Realtime;

/// <summary>Settings of a <see cref="TokenImRealtimeClient"/>. The defaults follow the protocol's reconnect contract.</summary>
public sealed class TokenImRealtimeOptions
{
    /// <summary>
    /// The WebSocket endpoint. The default (null) is <c>/ws</c> below the REST client's base address, with <c>http</c>
    /// turned into <c>ws</c> and <c>https</c> into <c>wss</c>.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>
    /// The back-off base: before connection attempt n+1 the client waits a random delay in
    /// [0, min(<see cref="ReconnectMaxDelay"/>, base × 2ⁿ)], n counting the attempts since the last <c>ready</c>.
    /// The default is 0.5 seconds.
    /// </summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The back-off cap. The default is 30 seconds.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The source of the back-off jitter. The default (null) is <see cref="Random.Shared"/>; tests pass a seeded one.</summary>
    public Random? Random { get; init; }

    /// <summary>The clock of the back-off delays and of <see cref="TokenImRealtimeClient.PingAsync"/>. The default is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long an upgrade may take before the attempt counts as failed. The default is 15 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for <c>ready</c> after the upgrade before dropping the socket and retrying. The default is 15 seconds.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a <c>sync</c>, <c>ping</c> or <c>refresh</c> may wait for its reply. The default is 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the client pings the server at the WebSocket level, to notice a dead connection the operating
    /// system would not report. The default is 15 seconds; <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a keep-alive ping may go unanswered before the connection is dropped and rebuilt. The default is 10 seconds.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Messages asked for per <c>sync</c> request, 1–300. The default is 100. After a 4009 close (the server's outbox
    /// overflowed) the client halves it, down to 10, so that pages of long messages fit.
    /// </summary>
    public int SyncLimit { get; init; } = 100;

    /// <summary>
    /// Where a conversation the client sees for the first time starts (unless <see cref="TokenImRealtimeClient.SetCursor"/>
    /// chose). The default (false) is its <c>lastSeq</c> then: only messages from now on are delivered, and history is
    /// paged over REST. True delivers its whole history from seq 1, fetched by <c>sync</c>.
    /// </summary>
    public bool DeliverWholeHistory { get; init; }

    /// <summary>
    /// When true, <see cref="TokenImRealtimeClient.Messages"/> carries every delivered message too. It is unbounded,
    /// so enable it only if the application reads it. The default is false (events only).
    /// </summary>
    public bool EnableMessageChannel { get; init; }

    /// <summary>Adjusts each socket before it connects (a proxy, client certificates, extra headers). The default is none.</summary>
    public Action<ClientWebSocketOptions>? ConfigureSocket { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectBaseDelay, TimeSpan.Zero, nameof(ReconnectBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectBaseDelay, nameof(ReconnectMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadyTimeout, TimeSpan.Zero, nameof(ReadyTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(SyncLimit, 1, nameof(SyncLimit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SyncLimit, 300, nameof(SyncLimit));
    }
}
