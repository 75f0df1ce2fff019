using System.Buffers;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.Client.Realtime;

public sealed partial class TokenImRealtimeClient
{
    /// <summary>A gap-filling <c>sync</c> loop of one conversation on one connection.</summary>
    private sealed class FillRun(RealtimeConnection connection)
    {
        public RealtimeConnection Connection { get; } = connection;

        public Task<bool> Task { get; set; } = System.Threading.Tasks.Task.FromResult(true);
    }

    /// <summary>
    /// The single receive loop of a connection: every stream mutation and every event happens here, one frame at a
    /// time, which is what keeps each conversation in order. Returns the fault that ended it, if any.
    /// </summary>
    private async Task<Exception?> ReceiveLoopAsync(RealtimeConnection connection)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        Exception? fault = null;
        try
        {
            while (await connection.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false))
                Dispatch(connection, buffer.WrittenSpan);
        }
        catch (Exception error)
        {
            // The one top-level catch of a connection: a network failure, a frame this client cannot read (a server
            // bug), or an application handler that threw. Each ends this socket only; the reconnect loop reports the
            // fault in StateChanged and starts over, and the catch-up makes good whatever this socket missed.
            fault = error;
            connection.Abort();
        }
        finally
        {
            lock (_lock)
            {
                if (_live == connection)
                    _live = null;
                if (_sendsOpenOn == connection)
                    _sendsOpenOn = null;
            }
            var lost = new TokenImConnectionException("The connection was lost before the reply arrived.", fault ?? new EndOfStreamException());
            connection.FailAll(lost);
            if (connection.Ready.TrySetException(lost))
                _ = connection.Ready.Task.Exception; // observed: the reconnect loop may have stopped waiting for it
        }
        return fault;
    }

    private void Dispatch(RealtimeConnection connection, ReadOnlySpan<byte> frame)
    {
        var json = ProtocolJsonContext.Wire;
        var op = Frames.ReadOp(frame);
        if (InboundFilter is { } filter && !filter(op))
            return;
        switch (op)
        {
            case Ops.Ready:
                var ready = Frames.Decode(frame, json.ReadyEvent);
                StoreResetEventArgs? reset;
                lock (_lock)
                {
                    // Here, not in the reconnect loop: the finally below must see it to clear it when the socket ends.
                    _userId = ready.UserId;
                    _live = connection;
                    _heldFirstSights = [];
                    reset = ObserveEpochLocked(ready.Epoch);
                }
                if (reset is not null)
                    StoreReset?.Invoke(this, reset);
                connection.Ready.TrySetResult(ready.UserId);
                break;
            case Ops.Message:
                OnMessage(connection, Frames.Decode(frame, json.MessageEvent).Message);
                break;
            case Ops.Ack:
                OnAck(connection, Frames.Decode(frame, json.AckEvent));
                break;
            case Ops.Synced:
                OnSynced(connection, Frames.Decode(frame, json.SyncedEvent));
                break;
            case Ops.Pong:
                var pong = Frames.Decode(frame, json.PongEvent);
                connection.Answer(pong.Re, pong);
                break;
            case Ops.Ok:
                var ok = Frames.Decode(frame, json.OkEvent);
                connection.Answer(ok.Re, ok);
                break;
            case Ops.Error:
                var error = Frames.Decode(frame, json.ErrorEvent);
                var exception = TokenImApiException.FromFrame(error);
                if (!FailSend(error.Re, exception) && !connection.Fail(error.Re, exception))
                    ErrorReceived?.Invoke(this, exception);
                break;
            case Ops.Receipt:
                ReceiptReceived?.Invoke(this, Frames.Decode(frame, json.ReceiptEvent));
                break;
            case Ops.Typing:
                TypingReceived?.Invoke(this, Frames.Decode(frame, json.TypingEvent));
                break;
            case Ops.Presence:
                PresenceChanged?.Invoke(this, Frames.Decode(frame, json.PresenceEvent));
                break;
            case Ops.Conversation:
                OnConversation(Frames.Decode(frame, json.ConversationEvent));
                break;
            case Ops.Changed:
                OnChanged(Frames.Decode(frame, json.ChangedEvent).Message);
                break;
            case Ops.Hidden:
                MessageHidden?.Invoke(this, Frames.Decode(frame, json.HiddenEvent));
                break;
            default:
                // An op newer than this client: ignored, so that servers can add events without breaking it.
                break;
        }
    }

    private void OnMessage(RealtimeConnection connection, MessageDto message)
    {
        var ready = new List<MessageDto>();
        lock (_lock)
            AcceptLocked(connection, message, ready, trackIfNew: true);
        Deliver(ready);
    }

    /// <summary>A <c>synced</c> page: applied here, on the receive loop, before the fill awaiting it resumes.</summary>
    private void OnSynced(RealtimeConnection connection, SyncedEvent synced)
    {
        var ready = new List<MessageDto>();
        lock (_lock)
        {
            foreach (var message in synced.Messages)
                AcceptLocked(connection, message, ready, trackIfNew: false);
        }
        Deliver(ready);
        connection.Answer(synced.Re, synced);
    }

    private void OnConversation(ConversationEvent change)
    {
        var conversation = change.Conversation;
        lock (_lock)
        {
            if (_userId is not null && !conversation.MemberIds.Contains(_userId))
                _streams.Remove(conversation.Id);
            else if (!_streams.ContainsKey(conversation.Id))
                _streams.Add(conversation.Id, new ConversationStream(conversation.Id, FirstSightCursor(conversation.LastSeq)));
        }
        ConversationChanged?.Invoke(this, change);
    }

    /// <summary>Step 4 of the reconnect contract, for one message; call under the lock.</summary>
    private void AcceptLocked(RealtimeConnection connection, MessageDto message, List<MessageDto> ready, bool trackIfNew)
    {
        if (!_streams.TryGetValue(message.ConversationId, out var stream))
        {
            // A page for a conversation dropped meanwhile stays dropped; a live message or ack is a first sight.
            if (!trackIfNew)
                return;
            if (_heldFirstSights is { } held)
            {
                // The catch-up has not learned the lastSeqs yet: it decides the cursor, and its sync fetches this.
                held[message.ConversationId] = Math.Min(held.GetValueOrDefault(message.ConversationId, long.MaxValue), message.Seq);
                return;
            }
            stream = new ConversationStream(message.ConversationId, FirstSightCursor(message.Seq - 1));
            _streams.Add(message.ConversationId, stream);
        }
        if (stream.Accept(message, ready) == Acceptance.Buffered)
            StartFillLocked(connection, message.ConversationId);
    }

    private void Deliver(List<MessageDto> ready)
    {
        foreach (var message in ready)
        {
            _messages?.Writer.TryWrite(message);
            MessageReceived?.Invoke(this, message);
        }
    }

    /// <summary>Starts (or joins) the fill of a conversation on this connection; call under the lock.</summary>
    private Task<bool> StartFillLocked(RealtimeConnection connection, string conversationId)
    {
        if (_fills.TryGetValue(conversationId, out var running) && running.Connection == connection)
            return running.Task;
        var run = new FillRun(connection);
        _fills[conversationId] = run;
        // Task.Run: the fill must not start inside this lock.
        run.Task = Task.Run(() => FillAsync(run, conversationId));
        return run.Task;
    }

    /// <summary>
    /// <c>sync</c> from the cursor until the server has nothing more and no buffered message waits for a missing seq.
    /// True when the conversation is caught up (or gone); false when the connection or the server failed the sync.
    /// </summary>
    private async Task<bool> FillAsync(FillRun run, string conversationId)
    {
        try
        {
            while (true)
            {
                long after;
                lock (_lock)
                {
                    if (!_streams.TryGetValue(conversationId, out var stream))
                        return FinishFillLocked(run, conversationId, true);
                    after = stream.Cursor;
                }
                var synced = await RequestAsync<SyncedEvent>(run.Connection,
                    id => Frames.Encode(new SyncFrame(id, conversationId, after, Volatile.Read(ref _syncLimit)), ProtocolJsonContext.Wire.SyncFrame),
                    CancellationToken.None).ConfigureAwait(false);
                lock (_lock)
                {
                    // The receive loop applied the page before this resumed. Stop when caught up, and also when a page
                    // moved nothing (the gap's messages are not readable yet): the next event or ready tries again.
                    if (!_streams.TryGetValue(conversationId, out var stream))
                        return FinishFillLocked(run, conversationId, true);
                    if (!(synced.HasMore || stream.HasGap) || stream.Cursor == after)
                        return FinishFillLocked(run, conversationId, !synced.HasMore && !stream.HasGap);
                }
            }
        }
        catch (TokenImApiException error) when (error.Code == ErrorCode.ConversationNotFound.Code)
        {
            // No longer a member: stop tracking, as the REST API would have it.
            lock (_lock)
            {
                _streams.Remove(conversationId);
                return FinishFillLocked(run, conversationId, true);
            }
        }
        catch (Exception error) when (error is TokenImConnectionException or TokenImApiException or TimeoutException)
        {
            // The socket ended (the next ready catches up) or the server refused the sync (the next gap tries again).
            lock (_lock)
                return FinishFillLocked(run, conversationId, false);
        }
    }

    /// <summary>Ends a fill in the same lock as its last decision, so a gap found just after starts a new one.</summary>
    private bool FinishFillLocked(FillRun run, string conversationId, bool caughtUp)
    {
        if (_fills.TryGetValue(conversationId, out var current) && current == run)
            _fills.Remove(conversationId);
        return caughtUp;
    }

    /// <summary>Sends a request frame with a fresh id and waits for the reply whose <c>re</c> matches it.</summary>
    private async Task<T> RequestAsync<T>(RealtimeConnection connection, Func<string, byte[]> frame, CancellationToken cancellationToken)
    {
        var id = NextId();
        var reply = connection.Expect(id);
        try
        {
            if (!connection.TrySend(frame(id)))
                throw new TokenImConnectionException("Not connected.");
            return (T)await reply.Task.WaitAsync(_options.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connection.Forget(id);
        }
    }
}
