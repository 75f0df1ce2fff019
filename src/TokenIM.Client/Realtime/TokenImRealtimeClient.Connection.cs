using System.Net;
using System.Net.WebSockets;
using TokenIM.Protocol;
using TokenIM.Protocol.Ws;

namespace TokenIM.Client.Realtime;

public sealed partial class TokenImRealtimeClient
{
    // How long a normal close may take on dispose before the socket is cut.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    // The smallest sync page the 4009 back-off goes down to: ten of the longest messages fit any sane outbox.
    private const int MinSyncLimit = 10;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The REST base address with <c>ws</c> for <c>http</c>, <c>wss</c> for <c>https</c>, and <c>ws</c> as the last segment.</summary>
    private static Uri DefaultEndpoint(Uri baseAddress)
    {
        var builder = new UriBuilder(new Uri(baseAddress, "ws"));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }

    /// <summary>Where a conversation seen for the first time starts: now (<paramref name="current"/>), or its first message.</summary>
    private long FirstSightCursor(long current) => _options.DeliverWholeHistory ? 0 : current;

    /// <summary>How one connection ended: what decides the next attempt.</summary>
    private sealed record Outcome(int? CloseStatus, string? CloseDescription, Exception? Error, bool Unauthenticated, string AccessToken);

    /// <summary>The reconnect loop: one connection at a time, back-off between them, until disposed or signed out.</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _options.Random ?? Random.Shared);
        var refreshFirst = false;
        while (!stop.IsCancellationRequested)
        {
            SetState(ConnectionState.Connecting);
            backoff.AttemptStarting();
            Outcome? outcome = null;
            Exception? failure = null;
            try
            {
                if (refreshFirst)
                {
                    // A 4001 close or a 401 upgrade: the socket's token is no good. When the refresh answers
                    // invalid_refresh_token, the REST client raises SignedOut, which stops this loop.
                    await _rest.RefreshAsync(stop).ConfigureAwait(false);
                    refreshFirst = false;
                }
                outcome = await RunConnectionAsync(backoff, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                // A failed refresh or token fetch (network, rate limit, signed out meanwhile). Reconnecting is this
                // loop's whole job, so no fault may end it; a final one (signed out) has already cancelled it.
                failure = error;
            }
            if (stop.IsCancellationRequested)
                break;
            if (outcome is not null)
                refreshFirst = outcome.Unauthenticated && _rest.Tokens?.AccessToken == outcome.AccessToken;
            // 4009: the server's outbox overflowed, perhaps on our own sync pages (long messages): ask for smaller
            // ones, or the catch-up after the reconnect would overflow it again, forever.
            if (outcome?.CloseStatus == CloseCodes.SlowReader)
                Volatile.Write(ref _syncLimit, Math.Min(_syncLimit, Math.Max(MinSyncLimit, _syncLimit / 2)));
            var delay = backoff.NextDelay();
            SetState(ConnectionState.Reconnecting, outcome?.CloseStatus, outcome?.CloseDescription, delay, outcome?.Error ?? failure);
            try
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Opens one socket, catches up after <c>ready</c>, resends, and returns when the socket has ended.</summary>
    private async Task<Outcome> RunConnectionAsync(ReconnectBackoff backoff, CancellationToken stop)
    {
        var token = await _rest.GetAccessTokenAsync(stop).ConfigureAwait(false);
        RealtimeConnection connection;
        try
        {
            connection = await RealtimeConnection.OpenAsync(_endpoint, token, _options, stop).ConfigureAwait(false);
        }
        catch (UpgradeRefusedException refused)
        {
            return new Outcome(null, null, refused, refused.Status == HttpStatusCode.Unauthorized, token);
        }
        catch (Exception error) when (error is WebSocketException or HttpRequestException
            || (error is OperationCanceledException && !stop.IsCancellationRequested))
        {
            return new Outcome(null, null, error, Unauthenticated: false, token);
        }

        using (connection)
        {
            lock (_lock)
                _current = connection;
            var writer = connection.RunWriterAsync(CancellationToken.None);
            var receive = Task.Run(() => ReceiveLoopAsync(connection), CancellationToken.None);
            var fault = await ServeAsync(connection, backoff, stop).ConfigureAwait(false);
            try
            {
                await receive.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Disposed: close normally, and cut the socket if the server does not answer in time.
                connection.BeginClose();
                try
                {
                    await receive.WaitAsync(CloseTimeout, _time, CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    connection.Abort();
                }
            }
            var receiveFault = await receive.ConfigureAwait(false);
            await writer.ConfigureAwait(false);
            lock (_lock)
                _current = null;
            var status = (int?)connection.CloseStatus;
            return new Outcome(status, connection.CloseDescription, fault ?? receiveFault, status == CloseCodes.Unauthenticated, token);
        }
    }

    /// <summary>The life of a live socket up to <see cref="ConnectionState.Connected"/>: wait for ready, catch up, resend.</summary>
    private async Task<Exception?> ServeAsync(RealtimeConnection connection, ReconnectBackoff backoff, CancellationToken stop)
    {
        try
        {
            await connection.Ready.Task.WaitAsync(_options.ReadyTimeout, _time, stop).ConfigureAwait(false);
            backoff.Reset();
            // The REST client may have refreshed between reading the token and ready: hand the socket the newer one.
            if (_rest.Tokens is { } tokens && tokens.AccessToken != connection.AccessToken)
                LastInBandRefresh = RefreshInBandAsync(connection, tokens.AccessToken);
            await CatchUpAsync(connection, stop).ConfigureAwait(false);
            if (OpenSends(connection))
                SetState(ConnectionState.Connected);
            return null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception error) when (error is TimeoutException or TokenImConnectionException or TokenImApiException or HttpRequestException)
        {
            // No ready in time, the socket ended during the catch-up, or GET /conversations failed: start over.
            connection.Abort();
            return error;
        }
    }

    /// <summary>
    /// Step 3 of the reconnect contract: learn every conversation's lastSeq and <c>sync</c> each tracked one above its
    /// cursor until <c>hasMore</c> is false. Conversations seen for the first time start at their lastSeq.
    /// </summary>
    private async Task CatchUpAsync(RealtimeConnection connection, CancellationToken stop)
    {
        var conversations = await _rest.GetConversationsAsync(stop).ConfigureAwait(false);
        var fills = new List<Task<bool>>();
        lock (_lock)
        {
            foreach (var conversation in conversations)
            {
                if (!_streams.TryGetValue(conversation.Id, out var stream))
                {
                    stream = new ConversationStream(conversation.Id, FirstSightCursor(conversation.LastSeq));
                    _streams.Add(conversation.Id, stream);
                }
                if (conversation.LastSeq > stream.Cursor || stream.HasGap)
                    fills.Add(StartFillLocked(connection, conversation.Id));
                CatchUpChangesLocked(conversation, fills);
            }
            // Messages that arrived for unknown conversations while the list was on its way: above a listed
            // conversation's lastSeq they are new, and a conversation joined since starts at its first one seen.
            foreach (var (conversationId, lowestSeq) in _heldFirstSights ?? [])
            {
                if (!_streams.ContainsKey(conversationId))
                    _streams.Add(conversationId, new ConversationStream(conversationId, FirstSightCursor(lowestSeq - 1)));
                fills.Add(StartFillLocked(connection, conversationId));
            }
            _heldFirstSights = null;
        }
        var results = await Task.WhenAll(fills).WaitAsync(stop).ConfigureAwait(false);
        if (results.Contains(false))
            throw new TokenImConnectionException("The catch-up did not complete; reconnecting.");
    }

    private async Task RefreshInBandAsync(RealtimeConnection connection, string accessToken)
    {
        try
        {
            await RequestAsync<OkEvent>(connection, id => Frames.Encode(new RefreshFrame(id, accessToken), ProtocolJsonContext.Wire.RefreshFrame),
                CancellationToken.None).ConfigureAwait(false);
            connection.AccessToken = accessToken;
        }
        catch (Exception error) when (error is TokenImConnectionException or TokenImApiException or TimeoutException)
        {
            // The socket keeps its old token. When that expires the server closes with 4001, and the reconnect
            // authenticates with the new one: a failed in-band refresh costs one reconnect, nothing more.
            if (error is TokenImApiException refused)
                ErrorReceived?.Invoke(this, refused);
        }
    }

    private void OnTokensChanged(object? sender, TokenSet tokens)
    {
        var live = Live;
        if (live is not null)
            LastInBandRefresh = RefreshInBandAsync(live, tokens.AccessToken);
    }

    private void OnSignedOut(object? sender, SignedOutEventArgs e)
    {
        lock (_lock)
        {
            if (_state is ConnectionState.Closed or ConnectionState.SignedOut)
                return;
        }
        _stop.Cancel();
        SetState(ConnectionState.SignedOut);
        foreach (var send in TakeAllSends())
            send.Completion.TrySetException(new TokenImConnectionException("Signed out before the send was acknowledged."));
        _messages?.Writer.TryComplete();
    }

    private void SetState(ConnectionState state, int? closeStatus = null, string? closeDescription = null, TimeSpan? retryIn = null,
        Exception? error = null)
    {
        lock (_lock)
        {
            // SignedOut and Closed are final; only Closed (dispose) may follow SignedOut.
            if (_state == ConnectionState.Closed || (_state == ConnectionState.SignedOut && state != ConnectionState.Closed))
                return;
            _state = state;
            if (state == ConnectionState.Connected)
            {
                _connected.TrySetResult();
            }
            else if (state is ConnectionState.SignedOut or ConnectionState.Closed)
            {
                if (!_connected.TrySetException(new TokenImConnectionException($"The client is {state}.")))
                {
                    _connected = NewSignal();
                    _connected.SetException(new TokenImConnectionException($"The client is {state}."));
                }
                // Nobody may be waiting: observe the fault so it is not reported as unobserved.
                _ = _connected.Task.Exception;
            }
            else if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal();
            }
        }
        StateChanged?.Invoke(this, new ConnectionStateChangedEventArgs(state, closeStatus, closeDescription, retryIn, error));
    }
}
