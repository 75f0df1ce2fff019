using System.Globalization;
using System.Threading.Channels;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.Client.Realtime;

/// <summary>
/// The real-time side of TokenIM: one WebSocket (<c>/ws</c>, subprotocol <c>tokenim.v1</c>) that it keeps open —
/// reconnecting with jittered back-off, refreshing the token on a 4001 close, catching up by seq after every
/// <c>ready</c> and resending unacknowledged sends — so that the application sees each conversation's messages in
/// seq order, without gaps and without repeats (<see cref="MessageReceived"/>, <see cref="Messages"/>).
/// </summary>
/// <remarks>
/// <para><b>Tracked conversations.</b> Every conversation in <c>GET /conversations</c> at each <c>ready</c> is tracked;
/// so is one the user joins later (its <c>conversation</c> event) or one that first shows up through a message or an
/// ack. At first sight the cursor is the conversation's current <c>lastSeq</c> (for a message seen first, the seq
/// before it): history is the application's to page over REST, and only what comes after is delivered. To start
/// elsewhere, call <see cref="SetCursor"/> first (a cursor the application persisted, or 0 for everything), or set
/// <see cref="TokenImRealtimeOptions.DeliverWholeHistory"/> to start every new conversation at 0.
/// A conversation the user leaves (<c>member_removed</c>) stops being tracked.</para>
/// <para><b>Threads.</b> Every public method is safe to call concurrently. Events are raised one at a time, from the
/// single receive loop (state changes from the reconnect loop); keep handlers short, do not block them, and do
/// not throw from them (an exception drops the socket, and the client reconnects).</para>
/// </remarks>
public sealed partial class TokenImRealtimeClient : IAsyncDisposable
{
    private readonly TokenImClient _rest;
    private readonly TokenImRealtimeOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _endpoint;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<MessageDto>? _messages;
    private long _nextId;
    private int _syncLimit; // SyncLimit, halved after each 4009 close (see RunAsync)

    // Guards every field below. Nothing awaits or raises an event while holding it.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ConversationStream> _streams = [];
    private readonly Dictionary<string, FillRun> _fills = [];
    private readonly List<PendingSend> _sends = [];
    private readonly Dictionary<string, PendingSend> _sendsByRequest = [];
    private RealtimeConnection? _current; // the socket being opened or open
    private RealtimeConnection? _live; // the socket that reached ready and has not ended
    private RealtimeConnection? _sendsOpenOn; // the live socket once caught up: sends go out on it at once
    private Dictionary<string, long>? _heldFirstSights; // from ready to the catch-up: untracked conversation → lowest seq seen
    private string? _userId;
    private ConnectionState _state;
    private TaskCompletionSource _connected = NewSignal();
    private Task? _run;

    /// <summary>A client over the sessions and tokens of <paramref name="rest"/>, which must outlive it.</summary>
    /// <param name="rest">The REST client: the source of access tokens and of the conversation list.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public TokenImRealtimeClient(TokenImClient rest, TokenImRealtimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rest);
        _rest = rest;
        _options = options ?? new TokenImRealtimeOptions();
        _options.Validate();
        _time = _options.TimeProvider;
        _endpoint = _options.Endpoint ?? DefaultEndpoint(rest.BaseAddress);
        _syncLimit = _options.SyncLimit;
        if (_options.EnableMessageChannel)
            _messages = Channel.CreateUnbounded<MessageDto>(new UnboundedChannelOptions { SingleWriter = true });
        _userId = rest.Tokens?.User.Id;
        rest.TokensChanged += OnTokensChanged;
        rest.SignedOut += OnSignedOut;
    }

    /// <summary>
    /// Every message of every tracked conversation, in seq order per conversation, each once — the other members'
    /// and the user's own (from this device through its ack, from other devices through <c>message</c> events).
    /// </summary>
    public event EventHandler<MessageDto>? MessageReceived;

    /// <summary>A member's read marker moved (the user's other devices included).</summary>
    public event EventHandler<ReceiptEvent>? ReceiptReceived;

    /// <summary>Another member is typing: show it for about 5 seconds or until their message arrives.</summary>
    public event EventHandler<TypingEvent>? TypingReceived;

    /// <summary>
    /// A user who shares a conversation is online (first socket opened) or offline (last socket closed). Treat it as
    /// the user's current state, not as a change: around a connect the same state may arrive twice.
    /// </summary>
    public event EventHandler<PresenceEvent>? PresenceChanged;

    /// <summary>A conversation was created, renamed or changed roles, or gained or lost members; refresh the list entry.</summary>
    public event EventHandler<ConversationEvent>? ConversationChanged;

    /// <summary>
    /// A send was refused for a passing reason (<c>store_unavailable</c>: its conversation's database is unreachable;
    /// <c>hook_unavailable</c>: the app's before-send check, set to fail closed, could not be asked; <c>internal_error</c>) and will be resent by itself, with its clientMsgId, after the server's
    /// <see cref="TokenImApiException.RetryAfter"/> (1 s when none); its task stays pending. For showing "retrying".
    /// </summary>
    public event EventHandler<TokenImApiException>? SendDeferred;

    /// <summary>An <c>error</c> frame that answers no pending request (for example one caused by <see cref="ReadAsync"/>); for logs.</summary>
    public event EventHandler<TokenImApiException>? ErrorReceived;

    /// <summary>The connection state changed; <see cref="ConnectionStateChangedEventArgs"/> carries the close code of a loss.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>The current state. <see cref="ConnectionState.SignedOut"/> and <see cref="ConnectionState.Closed"/> are final.</summary>
    public ConnectionState State
    {
        get
        {
            lock (_lock)
                return _state;
        }
    }

    /// <summary>The signed-in user's id (from the tokens, confirmed by <c>ready</c>).</summary>
    public string? UserId
    {
        get
        {
            lock (_lock)
                return _userId;
        }
    }

    /// <summary>
    /// The same messages as <see cref="MessageReceived"/>, for a reader that prefers to pull. Only with
    /// <see cref="TokenImRealtimeOptions.EnableMessageChannel"/>; completed when the client is disposed or signed out.
    /// </summary>
    public ChannelReader<MessageDto> Messages =>
        _messages?.Reader ?? throw new InvalidOperationException("Set TokenImRealtimeOptions.EnableMessageChannel to read Messages.");

    /// <summary>The cursor (highest seq delivered) of every tracked conversation: persist it to resume with <see cref="SetCursor"/>.</summary>
    public IReadOnlyDictionary<string, long> Cursors
    {
        get
        {
            lock (_lock)
                return _streams.ToDictionary(pair => pair.Key, pair => pair.Value.Cursor);
        }
    }

    /// <summary>
    /// Tracks <paramref name="conversationId"/> from <paramref name="cursor"/>: the messages above it will be delivered
    /// (fetched by <c>sync</c> now if connected, else after the next <c>ready</c>). Use 0 for the whole history, or a
    /// cursor saved from <see cref="Cursors"/>. Call it before <see cref="ConnectAsync"/> to avoid the first-sight default.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cursor">The highest seq the application already has.</param>
    public void SetCursor(string conversationId, long cursor)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        lock (_lock)
        {
            if (_streams.TryGetValue(conversationId, out var stream))
                stream.Reset(cursor);
            else
                _streams.Add(conversationId, new ConversationStream(conversationId, cursor));
            if (_live is { } live)
                StartFillLocked(live, conversationId);
        }
    }

    /// <summary>
    /// Starts the connection (once) and waits until it is <see cref="ConnectionState.Connected"/>: authenticated and
    /// caught up. The client keeps reconnecting in the background until disposed or signed out; calling this again
    /// just waits for the next connected moment. Throws <see cref="InvalidOperationException"/> when the REST client is
    /// not signed in, <see cref="TokenImConnectionException"/> once signed out, <see cref="ObjectDisposedException"/> once disposed.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the connection attempts go on.</param>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task connected;
        lock (_lock)
        {
            ThrowIfFinalLocked();
            if (_rest.Tokens is null)
                throw new InvalidOperationException("Sign in with the REST client before connecting.");
            _run ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
            connected = _connected.Task;
        }
        return connected.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Sends a message and completes with its <c>ack</c> (seq and message id) once it is durably stored. The send is
    /// kept until acknowledged: while disconnected it waits, and after every reconnect it is resent with its original
    /// <paramref name="clientMsgId"/>, in the order of the calls, so it is stored exactly once. The message also enters
    /// <see cref="MessageReceived"/> in seq order. Passing failures (<c>store_unavailable</c>, <c>hook_unavailable</c>, <c>internal_error</c>)
    /// are retried by the client itself (<see cref="SendDeferred"/>). Refusals (<c>validation_failed</c>,
    /// <c>conversation_not_found</c>, <c>message_rejected</c>: the app's before-send hook refused the text, <c>rate_limited</c>: retry after <see cref="TokenImApiException.RetryAfter"/> with
    /// the same clientMsgId) throw
    /// <see cref="TokenImApiException"/>; a session that ends first, <see cref="TokenImConnectionException"/>; disposing
    /// the client cancels the task.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="text">1–4,000 characters, at most 16 KiB of UTF-8, not only white space.</param>
    /// <param name="clientMsgId">The idempotency key; null for a new one. Reuse it to retry a send whose outcome is unknown.</param>
    /// <param name="cancellationToken">Stops waiting and stops resending; the message may still have been stored.</param>
    public Task<AckEvent> SendAsync(string conversationId, string text, string? clientMsgId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(conversationId, new SendMessageRequest(clientMsgId, text), cancellationToken);
    }

    /// <summary>
    /// Sends a message with any of the send's fields — a reply (<see cref="SendMessageRequest.ReplyToId"/>), a forward
    /// (<see cref="SendMessageRequest.ForwardOf"/>), a file (<see cref="SendMessageRequest.AttachmentId"/>) — with the
    /// same guarantees as <see cref="SendAsync(string, string, string?, CancellationToken)"/>. A null
    /// <see cref="SendMessageRequest.ClientMsgId"/> gets a new one; a null text is sent as empty (allowed beside a file
    /// or a forward).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="request">The send.</param>
    /// <param name="cancellationToken">Stops waiting and stops resending; the message may still have been stored.</param>
    public async Task<AckEvent> SendAsync(string conversationId, SendMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(request);
        var plain = request.ReplyToId is null && request.ForwardOf is null && request.AttachmentId is null;
        var send = new PendingSend(conversationId, request.ClientMsgId ?? TokenImClient.NewClientMsgId(), request.Text ?? "", plain ? null : request);
        lock (_lock)
        {
            ThrowIfFinalLocked();
            _sends.Add(send);
            if (_sendsOpenOn is { } connection)
                TransmitLocked(connection, send);
        }
        using var registration = cancellationToken.Register(() => Abandon(send, cancellationToken));
        return await send.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the user's read marker to <paramref name="seq"/> (members get a receipt): over the socket when connected
    /// (a refusal then arrives through <see cref="ErrorReceived"/>), else over REST.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The newest seq read; a lower one than the current marker changes nothing.</param>
    /// <param name="cancellationToken">Cancels the REST request when disconnected.</param>
    public Task ReadAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var live = Live;
        if (live is not null && live.TrySend(Frames.Encode(new ReadFrame(conversationId, seq, NextId()), ProtocolJsonContext.Wire.ReadFrame)))
            return Task.CompletedTask;
        return _rest.MarkReadAsync(conversationId, seq, cancellationToken);
    }

    /// <summary>Tells the other members the user is typing (at most one per 3 seconds is relayed). Does nothing while disconnected.</summary>
    /// <param name="conversationId">The conversation.</param>
    public Task TypingAsync(string conversationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        Live?.TrySend(Frames.Encode(new TypingFrame(conversationId), ProtocolJsonContext.Wire.TypingFrame));
        return Task.CompletedTask;
    }

    /// <summary>An application-level round trip (<c>ping</c> → <c>pong</c>); returns its duration. Throws <see cref="TokenImConnectionException"/> when not connected.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var live = Live ?? throw new TokenImConnectionException("Not connected.");
        var started = _time.GetTimestamp();
        await RequestAsync<PongEvent>(live, id => Frames.Encode(new PingFrame(id), ProtocolJsonContext.Wire.PingFrame), cancellationToken)
            .ConfigureAwait(false);
        return _time.GetElapsedTime(started);
    }

    /// <summary>
    /// Closes the socket normally (1000), stops reconnecting, cancels the sends not yet acknowledged and completes
    /// <see cref="Messages"/>. The REST client is left as it is.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_lock)
        {
            if (_state == ConnectionState.Closed)
                return;
            run = _run;
        }
        _rest.TokensChanged -= OnTokensChanged;
        _rest.SignedOut -= OnSignedOut;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (run is not null)
            await run.ConfigureAwait(false);
        foreach (var send in TakeAllSends())
            send.Completion.TrySetCanceled();
        _messages?.Writer.TryComplete();
        SetState(ConnectionState.Closed);
    }

    /// <summary>Test hook: cuts the current socket without a close frame, as a network failure would.</summary>
    internal void AbortConnection()
    {
        RealtimeConnection? current;
        lock (_lock)
            current = _current;
        current?.Abort();
    }

    /// <summary>Test hook: sees each inbound frame's op before it is handled; false drops the frame, as if it were lost.</summary>
    internal Func<string?, bool>? InboundFilter { get; set; }

    /// <summary>Test hook: the latest in-band <c>refresh</c> (completes when the server answered it or it failed).</summary>
    internal Task LastInBandRefresh { get; private set; } = Task.CompletedTask;

    private RealtimeConnection? Live
    {
        get
        {
            lock (_lock)
                return _live;
        }
    }

    private string NextId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    private void ThrowIfFinalLocked()
    {
        ObjectDisposedException.ThrowIf(_state == ConnectionState.Closed, this);
        if (_state == ConnectionState.SignedOut)
            throw new TokenImConnectionException("Signed out: sign in again and make a new client.");
    }
}
