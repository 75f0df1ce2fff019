using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.Client.Realtime;

public sealed partial class TokenImRealtimeClient
{
    /// <summary>A send not yet acknowledged; it keeps its clientMsgId across every resend.</summary>
    private sealed class PendingSend(string conversationId, string clientMsgId, string text, SendMessageRequest? extras = null)
    {
        public string ConversationId { get; } = conversationId;

        public string ClientMsgId { get; } = clientMsgId;

        public string Text { get; } = text;

        /// <summary>The reply, forward and attachment fields of the send, when it has any.</summary>
        public SendMessageRequest? Extras { get; } = extras;

        /// <summary>The <c>id</c> of its latest <c>send</c> frame, to match an <c>error</c> reply.</summary>
        public string? RequestId { get; set; }

        public TaskCompletionSource<AckEvent> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Matches(AckEvent ack) => ack.ConversationId == ConversationId && ack.ClientMsgId == ClientMsgId;
    }

    /// <summary>Writes a <c>send</c> frame for <paramref name="send"/> under a fresh id; call under the lock.</summary>
    private void TransmitLocked(RealtimeConnection connection, PendingSend send)
    {
        if (send.RequestId is not null)
            _sendsByRequest.Remove(send.RequestId);
        send.RequestId = NextId();
        _sendsByRequest[send.RequestId] = send;
        // A refused write means the socket is ending: the send stays pending and goes out after the next ready.
        var extras = send.Extras;
        connection.TrySend(Frames.Encode(
            new SendFrame(send.RequestId, send.ConversationId, send.ClientMsgId, send.Text, extras?.ReplyToId, extras?.ForwardOf, extras?.AttachmentId),
            ProtocolJsonContext.Wire.SendFrame));
    }

    /// <summary>
    /// After the catch-up of a fresh connection: resends every unacknowledged send in the order it was made, then lets
    /// new sends go out at once. False if the connection already ended (the next one will do it).
    /// </summary>
    private bool OpenSends(RealtimeConnection connection)
    {
        lock (_lock)
        {
            if (_live != connection)
                return false;
            foreach (var send in _sends)
                TransmitLocked(connection, send);
            _sendsOpenOn = connection;
            return true;
        }
    }

    /// <summary>An <c>ack</c>: the send is done, and its message enters the stream like a <c>message</c> event.</summary>
    private void OnAck(RealtimeConnection connection, AckEvent ack)
    {
        var ready = new List<MessageDto>();
        var done = new List<PendingSend>();
        lock (_lock)
        {
            // By key, not by the frame id: a resend after a reconnect had another id, and both acks are the same message.
            foreach (var send in _sends)
            {
                if (send.Matches(ack))
                    done.Add(send);
            }
            _sends.RemoveAll(send => send.Matches(ack));
            foreach (var send in done)
            {
                if (send.RequestId is not null)
                    _sendsByRequest.Remove(send.RequestId);
            }
            // The text is only known from the send; an ack of an abandoned send is left for a sync to fill.
            if (done.Count > 0 && _userId is not null)
            {
                var message = new MessageDto(ack.MessageId, ack.ConversationId, ack.Seq, _userId, ack.ClientMsgId, done[0].Text, ack.CreatedAt);
                AcceptLocked(connection, message, ready, trackIfNew: true);
            }
        }
        Deliver(ready);
        foreach (var send in done)
            send.Completion.TrySetResult(ack);
    }

    /// <summary>
    /// An <c>error</c> answering a send. A passing one (nothing was stored; the server says when to try again) keeps
    /// the send and resends it after the wait; any other refuses it for good.
    /// </summary>
    private bool FailSend(string? requestId, TokenImApiException error)
    {
        PendingSend? send;
        var passing = error.Code is "store_unavailable" or "internal_error" or "hook_unavailable";
        lock (_lock)
        {
            if (requestId is null || !_sendsByRequest.Remove(requestId, out send))
                return false;
            if (passing)
                send.RequestId = null;
            else
                _sends.Remove(send);
        }

        if (!passing)
        {
            send.Completion.TrySetException(error);
            return true;
        }

        SendDeferred?.Invoke(this, error);
        var resend = new ResendTimer(this, send);
        resend.Start(_time, error.RetryAfter ?? TimeSpan.FromSeconds(1));
        return true;
    }

    /// <summary>A deferred send's one resend, unless a reconnect has resent it (or it was acked or abandoned) first.</summary>
    private sealed class ResendTimer(TokenImRealtimeClient client, PendingSend send)
    {
        private ITimer? _timer;

        public void Start(TimeProvider time, TimeSpan after) =>
            _timer = time.CreateTimer(_ => Fire(), null, after, Timeout.InfiniteTimeSpan);

        private void Fire()
        {
            _timer?.Dispose();
            lock (client._lock)
            {
                if (send.RequestId is null && client._sends.Contains(send) && client._sendsOpenOn is { } connection)
                    client.TransmitLocked(connection, send);
            }
        }
    }

    private void Abandon(PendingSend send, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _sends.Remove(send);
            if (send.RequestId is not null)
                _sendsByRequest.Remove(send.RequestId);
        }
        send.Completion.TrySetCanceled(cancellationToken);
    }

    private PendingSend[] TakeAllSends()
    {
        lock (_lock)
        {
            var all = _sends.ToArray();
            _sends.Clear();
            _sendsByRequest.Clear();
            return all;
        }
    }
}
