using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TokenIM.Client;
using TokenIM.Protocol;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.Samples.EchoBot;

/// <summary>
/// Answers every message in a conversation the bot belongs to with the same text, sent as the bot through the server
/// API. It hears about messages from TokenIM's <c>message.created</c> webhook and about its memberships from
/// <c>member.added</c> and <c>member.removed</c>.
/// </summary>
public sealed partial class EchoBot(TokenImServerClient tokenIm, IOptions<EchoBotOptions> options, TimeProvider time, ILogger<EchoBot> logger)
{
    // TokenIM's events are small; a larger body is not from TokenIM.
    private const int MaxBodyBytes = 1024 * 1024;

    private readonly EchoBotOptions _options = options.Value;

    // Whether the bot is a member of each conversation it has heard of: asked once, then kept up to date by the
    // member events, so a busy server's other conversations cost one lookup each, not one per message.
    private readonly ConcurrentDictionary<string, bool> _memberOf = new(StringComparer.Ordinal);

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The signature is over the exact bytes sent: read them before parsing anything.
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        // A wrong signature, or one older than five minutes (a replay), is refused before the body is believed.
        if (!WebhookSignature.Verify(_options.WebhookSecret, request.Headers[WebhookSignature.Header], body, time.GetUtcNow(), WebhookSignature.DefaultTolerance))
            return Results.Unauthorized();
        if (JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.WebhookEvent) is not { } received)
            return Results.BadRequest();

        try
        {
            await HandleAsync(received, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TokenImApiException { Status: >= 500 or 429 })
        {
            // Not handled: a non-2xx answer makes TokenIM send the event again later, with backoff.
            LogRetryLater(received.Id, e.Message);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        return Results.NoContent();
    }

    private async Task HandleAsync(WebhookEvent received, CancellationToken cancellationToken)
    {
        var data = received.Data;
        switch (received.Type)
        {
            case WebhookEventTypes.MemberAdded when data.UserId == _options.BotUserId:
                _memberOf[data.ConversationId!] = true;
                break;
            case WebhookEventTypes.MemberRemoved when data.UserId == _options.BotUserId:
                _memberOf[data.ConversationId!] = false;
                break;
            case WebhookEventTypes.MessageCreated when data.Message is { } message && message.SenderId != _options.BotUserId:
                if (!await IsMemberAsync(message.ConversationId, cancellationToken))
                    return;
                // The clientMsgId comes from the event id: when TokenIM sends this event again (our answer was lost,
                // or we answered 503 after the send went through), the repeated send is recognised and stored once.
                await tokenIm.SendMessageAsync(message.ConversationId, _options.BotUserId, $"echo-{received.Id}", message.Text, cancellationToken);
                break;
        }
    }

    private async Task<bool> IsMemberAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (_memberOf.TryGetValue(conversationId, out var known))
            return known;
        bool member;
        try
        {
            var conversation = await tokenIm.GetConversationAsync(conversationId, cancellationToken);
            member = conversation.Members.Any(m => m.UserId == _options.BotUserId);
        }
        catch (TokenImApiException e) when (e.Code == "conversation_not_found")
        {
            member = false;
        }
        return _memberOf.GetOrAdd(conversationId, member);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    [LoggerMessage(1, LogLevel.Warning, "Event {EventId} not handled, TokenIM will send it again: {Reason}")]
    private partial void LogRetryLater(string eventId, string reason);
}
