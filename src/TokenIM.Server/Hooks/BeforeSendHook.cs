using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Hooks;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Chat;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Hooks;

/// <summary>
/// The optional before-send hook: the app's server gets every send that passed the server's own checks, signed, and
/// answers allow, reject or rewrite before the message is queued for the commit. A send that is already stored (a
/// resend with the same clientMsgId) is not asked about again: the writer answers it with the original.
/// </summary>
internal sealed partial class BeforeSendHook(
    IHttpClientFactory httpClients, IMessageStore store, TimeProvider time, IOptions<TokenImOptions> options, ILogger<BeforeSendHook> logger)
{
    public const string HttpClientName = "TokenIM.BeforeSendHook";

    /// <summary>The hook's answer is at most this long: a verdict and a text of at most 16 KiB.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(1);
    private readonly BeforeSendHookSettings _settings = options.Value.Hooks.BeforeSend;

    public bool IsConfigured => !string.IsNullOrEmpty(_settings.Url);

    /// <summary>The text to store (the sent one, or the hook's rewrite), or the failure to answer the sender with.</summary>
    public async Task<Result<string>> CheckAsync(string conversationId, string senderId, string clientMsgId, string text, CancellationToken cancellationToken)
    {
        if (await store.FindMessageAsync(conversationId, senderId, clientMsgId, cancellationToken) is not null)
            return text;
        return await JudgeAsync(conversationId, senderId, clientMsgId, text, cancellationToken);
    }

    /// <summary>
    /// An edit's new text, judged like a send's (the request carries the edited message's clientMsgId). Unlike
    /// <see cref="CheckAsync"/> it asks even though that clientMsgId is stored: the stored one is the old text.
    /// </summary>
    public Task<Result<string>> CheckEditAsync(string conversationId, string senderId, string clientMsgId, string text, CancellationToken cancellationToken) =>
        JudgeAsync(conversationId, senderId, clientMsgId, text, cancellationToken);

    private async Task<Result<string>> JudgeAsync(string conversationId, string senderId, string clientMsgId, string text, CancellationToken cancellationToken)
    {
        var verdict = await AskAsync(new BeforeSendHookRequest(conversationId, senderId, clientMsgId, text), cancellationToken);
        switch (verdict?.Action)
        {
            case BeforeSendActions.Allow:
                return text;
            case BeforeSendActions.Reject:
                LogRejected(logger, conversationId, senderId);
                return new Failure(ErrorCode.MessageRejected, string.IsNullOrWhiteSpace(verdict.Reason) ? "The message was rejected." : Clip(verdict.Reason));
            case BeforeSendActions.Rewrite when ChatRules.CheckText(verdict.Text) is null:
                return verdict.Text!;
            case BeforeSendActions.Rewrite:
                LogUnusable(logger, conversationId, "a rewrite whose text breaks the text rules");
                break;
            case not null:
                LogUnusable(logger, conversationId, $"the unknown action '{Clip(verdict.Action)}'");
                break;
        }

        // verdict null: AskAsync logged why.
        return _settings.FailureMode == BeforeSendHookSettings.FailClosed
            ? new Failure(ErrorCode.HookUnavailable, "The message could not be checked; retry later with the same clientMsgId.") { RetryAfter = s_retryAfter }
            : text;
    }

    private async Task<BeforeSendHookResponse?> AskAsync(BeforeSendHookRequest question, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(question, ProtocolJsonContext.Wire.BeforeSendHookRequest);
        using var timeout = new CancellationTokenSource(_settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(_settings.Secret!, time.GetUtcNow(), body));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogUnusable(logger, question.ConversationId, $"status {(int)response.StatusCode}");
                return null;
            }

            var answer = await response.Content.ReadFromJsonAsync(ProtocolJsonContext.Wire.BeforeSendHookResponse, linked.Token);
            if (answer is null)
                LogUnusable(logger, question.ConversationId, "an empty answer");
            return answer;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogUnusable(logger, question.ConversationId, $"no answer within {_settings.Timeout.TotalMilliseconds:0} ms");
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException)
        {
            // NotSupportedException: an answer that is not JSON (wrong content type).
            LogUnusable(logger, question.ConversationId, e.GetType().Name + ": " + e.Message);
            return null;
        }
    }

    private static string Clip(string value) => value.Length <= 200 ? value : value[..200] + "…";

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Before-send hook unusable for a send to {ConversationId}: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string conversationId, string reason);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Before-send hook rejected a message of {UserId} to {ConversationId}")]
    private static partial void LogRejected(ILogger logger, string conversationId, string userId);
}
