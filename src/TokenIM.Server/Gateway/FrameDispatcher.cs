using System.Text.Json;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;
using TokenIM.Server.Telemetry;

namespace TokenIM.Server.Gateway;

/// <summary>
/// Translates frames into calls of the same domain services REST uses, and their results into replies. Holds no
/// rules of its own beyond the wire: parsing, <c>id</c>/<c>re</c>, and which failure becomes which frame.
/// </summary>
internal sealed class FrameDispatcher(
    MessageService messages,
    MessageChangeService changes,
    RealtimeService realtime,
    TokenAuthenticator tokens,
    IOptions<TokenImOptions> options,
    TokenImMetrics metrics)
{
    public const int MaxSyncLimit = 300;
    public const int DefaultSyncLimit = 100;
    private const int MaxIdLength = 64;

    /// <summary>Handles one frame of an authenticated socket. Sends are queued in order and acked when they commit.</summary>
    public async Task DispatchAsync(Connection connection, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        string op;
        string? id;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException)
        {
            Error(connection, null, ErrorCode.MalformedRequest, "A frame is one JSON object with a string member op.");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                Error(connection, null, ErrorCode.MalformedRequest, "A frame is one JSON object with a string member op.");
                return;
            }

            if (!TryGetString(opElement, out op!) || !TryGetId(root, out id))
            {
                Error(connection, null, ErrorCode.MalformedRequest, "op and id must be strings of valid Unicode.");
                return;
            }

            if (id is { Length: > MaxIdLength })
            {
                Error(connection, null, ErrorCode.MalformedRequest, $"An id is at most {MaxIdLength} characters.");
                return;
            }

            var span = TokenImTracing.StartFrame(op);
            try
            {
                await DispatchAsync(connection, op, id, root, cancellationToken);
            }
            catch (Exception e) when (StoreUnavailableException.IsUnreachable(e))
            {
                // The frame's conversation lives on a shard that is down: this op fails, the socket and other conversations carry on.
                Error(connection, id, ChatFailures.StoreUnavailable);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: System.Text.Json's answer to a string holding a lone surrogate escape.
                Error(connection, id, ErrorCode.MalformedRequest, $"A field of the {op} frame has the wrong type or is not valid Unicode.");
            }
            finally
            {
                TokenImTracing.EndFrame(span);
            }
        }
    }

    private async Task DispatchAsync(Connection connection, string op, string? id, JsonElement root, CancellationToken cancellationToken)
    {
        switch (op)
        {
            case Ops.Send:
                await SendAsync(connection, id, root.Deserialize(ProtocolJsonContext.Wire.SendFrame)!, cancellationToken);
                break;
            case Ops.Sync:
                await SyncAsync(connection, id, root.Deserialize(ProtocolJsonContext.Wire.SyncFrame)!, cancellationToken);
                break;
            case Ops.Read:
                var read = root.Deserialize(ProtocolJsonContext.Wire.ReadFrame)!;
                if (RequireConversation(connection, id, read.ConversationId))
                    Reply(connection, id, await messages.MarkReadAsync(connection.UserId, read.ConversationId!, new ReadRequest(read.Seq), cancellationToken, connection.Id));
                break;
            case Ops.Typing:
                var typing = root.Deserialize(ProtocolJsonContext.Wire.TypingFrame)!;
                if (RequireConversation(connection, id, typing.ConversationId))
                    Reply(connection, id, await realtime.TypingAsync(connection.UserId, typing.ConversationId!, cancellationToken));
                break;
            case Ops.Ping:
                connection.Send(new PongEvent(id), ProtocolJsonContext.Wire.PongEvent);
                break;
            case Ops.Refresh:
                await RefreshAsync(connection, id, root.Deserialize(ProtocolJsonContext.Wire.RefreshFrame)!, cancellationToken);
                break;
            case Ops.Auth:
                Error(connection, id, ErrorCode.MalformedRequest, "The socket is already authenticated.");
                break;
            default:
                Error(connection, id, ErrorCode.UnknownOp, $"Unknown op '{Truncate(op)}'.");
                break;
        }
    }

    private async Task SendAsync(Connection connection, string? id, SendFrame frame, CancellationToken cancellationToken)
    {
        if (!RequireConversation(connection, id, frame.ConversationId))
            return;
        var readAt = System.Diagnostics.Stopwatch.GetTimestamp();
        // From here the span ends with the send's answer: at its ack, or at the refusal or failure below.
        var span = TokenImTracing.HandOver(frame.ConversationId!);
        var inFlight = connection.BeginInFlight();
        Result<Task<Result<(MessageDto Message, bool Created)>>> queued;
        try
        {
            // Shutting down: no ack means the client still holds the send and resends it after reconnecting.
            if (connection.IsDraining)
            {
                inFlight.Dispose();
                TokenImTracing.End(span, "draining");
                return;
            }

            // The ack is queued by the writer's callback, in commit order, so a socket's acks arrive in seq order.
            queued = await messages.QueueSendAsync(
                connection.UserId, frame.ConversationId!, new SendMessageRequest(frame.ClientMsgId, frame.Text, frame.ReplyToId, frame.ForwardOf, frame.AttachmentId), connection.Id, cancellationToken,
                result =>
                {
                    Acknowledge(connection, id, result);
                    inFlight.Dispose();
                    if (result is { IsSuccess: true })
                        metrics.SendAcked(readAt);
                    TokenImTracing.End(span, result is { } outcome ? outcome.IsSuccess ? TokenImTracing.Ok : outcome.Error!.Code.Code : ErrorCode.InternalError.Code);
                });
        }
        catch (Exception e)
        {
            inFlight.Dispose();
            TokenImTracing.End(span, StoreUnavailableException.IsUnreachable(e) ? ErrorCode.StoreUnavailable.Code : ErrorCode.InternalError.Code);
            throw;
        }

        if (!queued.IsSuccess)
        {
            inFlight.Dispose();
            TokenImTracing.End(span, queued.Error!.Code.Code);
            Error(connection, id, queued.Error!);
            if (queued.Error!.Code == ErrorCode.RateLimited && ++connection.RefusedSends >= options.Value.Gateway.MaxRefusedSends)
                connection.Close(CloseCodes.RateLimited, "rate limit exceeded");
            return;
        }

        connection.RefusedSends = 0;
    }

    private static void Acknowledge(Connection connection, string? id, Result<(MessageDto Message, bool Created)>? result)
    {
        if (result is not { } outcome)
        {
            // The writer logged it; the client resends with the same clientMsgId and learns the outcome.
            Error(connection, id, ErrorCode.InternalError, "The message could not be stored; resend it with the same clientMsgId.");
            return;
        }

        if (!outcome.IsSuccess)
        {
            Error(connection, id, outcome.Error!);
            return;
        }

        var message = outcome.Value.Message;
        connection.Send(new AckEvent(id, message.ConversationId, message.ClientMsgId, message.Id, message.Seq, message.CreatedAt), ProtocolJsonContext.Wire.AckEvent);
    }

    private async Task SyncAsync(Connection connection, string? id, SyncFrame frame, CancellationToken cancellationToken)
    {
        if (!RequireConversation(connection, id, frame.ConversationId))
            return;
        var page = await messages.GetPageAsync(connection.UserId, frame.ConversationId!, frame.AfterSeq ?? 0, null, frame.Limit, cancellationToken, MaxSyncLimit, DefaultSyncLimit);
        if (!page.IsSuccess)
        {
            Error(connection, id, page.Error!);
            return;
        }

        // The change cursor beside seq: one round trip catches up on both.
        ChangePage? changed = null;
        if (frame.AfterChangeSeq is { } afterChangeSeq)
        {
            var changePage = await changes.GetChangesAsync(connection.UserId, frame.ConversationId!, afterChangeSeq, frame.Limit, cancellationToken, MaxSyncLimit, DefaultSyncLimit);
            if (!changePage.IsSuccess)
            {
                Error(connection, id, changePage.Error!);
                return;
            }

            changed = changePage.Value;
        }

        connection.Send(
            new SyncedEvent(id, frame.ConversationId!, page.Value!.Messages, page.Value.HasMore, changed?.Messages, changed?.HasMore),
            ProtocolJsonContext.Wire.SyncedEvent);
    }

    private async Task RefreshAsync(Connection connection, string? id, RefreshFrame frame, CancellationToken cancellationToken)
    {
        var token = await tokens.AuthenticateAsync(frame.Token, (connection.UserId, connection.SessionId), cancellationToken);
        if (!token.IsSuccess)
        {
            Error(connection, id, token.Error!);
            return;
        }

        connection.Reauthenticate(token.Value!.ExpiresAt);
        connection.Send(new OkEvent(id), ProtocolJsonContext.Wire.OkEvent);
    }

    /// <summary>Reads a JSON string; false for one that is not valid Unicode (a lone surrogate escape such as <c>\ud800</c>).</summary>
    public static bool TryGetString(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>
    /// The optional <c>id</c>: absent or null is none; any other non-string is a wrong type, refused here because
    /// <c>ping</c> reads no other field and would otherwise answer it as if it were absent.
    /// </summary>
    private static bool TryGetId(JsonElement root, out string? id)
    {
        id = null;
        if (!root.TryGetProperty("id", out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        return element.ValueKind == JsonValueKind.String && TryGetString(element, out id);
    }

    private static bool RequireConversation(Connection connection, string? id, string? conversationId)
    {
        if (!string.IsNullOrEmpty(conversationId))
            return true;
        Error(connection, id, Failure.Validation("conversationId", "A conversationId is required."));
        return false;
    }

    private static void Reply(Connection connection, string? id, Outcome outcome)
    {
        if (!outcome.IsSuccess)
            Error(connection, id, outcome.Error!);
    }

    public static void Error(Connection connection, string? re, ErrorCode code, string message)
    {
        TokenImTracing.Refused(code.Code);
        connection.Send(new ErrorEvent(re, code.Code, message), ProtocolJsonContext.Wire.ErrorEvent);
    }

    public static void Error(Connection connection, string? re, Failure failure)
    {
        TokenImTracing.Refused(failure.Code.Code);
        connection.Send(
            new ErrorEvent(re, failure.Code.Code, failure.Detail, failure.RetryAfter is { } wait ? (long)Math.Ceiling(wait.TotalMilliseconds) : null, failure.Errors),
            ProtocolJsonContext.Wire.ErrorEvent);
    }

    private static string Truncate(string op) => op.Length <= 32 ? op : op[..32] + "…";
}
