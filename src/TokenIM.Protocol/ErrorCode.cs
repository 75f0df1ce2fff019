namespace TokenIM.Protocol;

/// <summary>
/// A stable, machine-readable error: the <see cref="Code"/> string is the <c>code</c> member of a REST
/// Problem Details body and of a WebSocket <c>error</c> frame. Codes never change meaning once published;
/// clients switch on <see cref="Code"/>, never on the human-readable title or detail.
/// </summary>
/// <param name="Code">The wire value, lower snake case.</param>
/// <param name="Status">The HTTP status the REST API answers with.</param>
/// <param name="Title">A short, fixed, human-readable summary (the Problem Details <c>title</c>).</param>
/// <param name="ClientAction">What a client should do when it meets this error.</param>
public sealed record ErrorCode(string Code, int Status, string Title, string ClientAction)
{
    /// <summary>A field failed validation; <c>errors</c> names each field. Fix the input; do not retry unchanged.</summary>
    public static readonly ErrorCode ValidationFailed = new("validation_failed", 400, "One or more fields are invalid.",
        "Show the per-field messages in `errors` and let the user correct the input; do not retry unchanged.");

    /// <summary>The body is not valid JSON or not the expected shape.</summary>
    public static readonly ErrorCode MalformedRequest = new("malformed_request", 400, "The request body could not be read.",
        "A client bug: send a well-formed JSON object with the documented fields.");

    /// <summary>The body exceeds the size limit (64 KiB for JSON).</summary>
    public static readonly ErrorCode RequestTooLarge = new("request_too_large", 413, "The request body is too large.",
        "Send less: JSON bodies are limited to 64 KiB.");

    /// <summary>The body arrived too slowly (under the configured minimum rate once its grace period passed); the connection is closed.</summary>
    public static readonly ErrorCode RequestTimeout = new("request_timeout", 408, "The request body arrived too slowly.",
        "Retry on a new connection; a body should arrive at well over 240 bytes a second.");

    /// <summary>The access token is missing, malformed, badly signed or otherwise not acceptable.</summary>
    public static readonly ErrorCode InvalidToken = new("invalid_token", 401, "The access token is not valid.",
        "Refresh the access token with the refresh token; if that fails, sign in again.");

    /// <summary>The access token has expired.</summary>
    public static readonly ErrorCode TokenExpired = new("token_expired", 401, "The access token has expired.",
        "Refresh the access token with the refresh token and repeat the request.");

    /// <summary>The session behind the token was revoked (sign-out, password change, theft detection).</summary>
    public static readonly ErrorCode SessionRevoked = new("session_revoked", 401, "The session has ended.",
        "Discard both tokens and sign in again.");

    /// <summary>Username or password is wrong. Deliberately does not say which.</summary>
    public static readonly ErrorCode InvalidCredentials = new("invalid_credentials", 401, "The username or password is incorrect.",
        "Ask the user to check the username and password.");

    /// <summary>The refresh token is unknown, spent, void or expired, or its session has ended.</summary>
    public static readonly ErrorCode InvalidRefreshToken = new("invalid_refresh_token", 401, "The refresh token is not valid.",
        "Discard both tokens and sign in again.");

    /// <summary>The username is already in use (compared without regard to case).</summary>
    public static readonly ErrorCode UsernameTaken = new("username_taken", 409, "The username is already taken.",
        "Ask the user for another username.");

    /// <summary>The caller's role does not allow the operation (for example a member removing another member).</summary>
    public static readonly ErrorCode PermissionDenied = new("permission_denied", 403, "You are not allowed to do this.",
        "Do not retry; hide the action from users without the needed role.");

    /// <summary>No such user.</summary>
    public static readonly ErrorCode UserNotFound = new("user_not_found", 404, "The user does not exist.",
        "Check the user id.");

    /// <summary>No such conversation, or the caller is not a member of it (the two are indistinguishable by design).</summary>
    public static readonly ErrorCode ConversationNotFound = new("conversation_not_found", 404, "The conversation does not exist.",
        "Remove the conversation from local state; the caller is not (or no longer) a member.");

    /// <summary>No such session among the caller's own sessions.</summary>
    public static readonly ErrorCode SessionNotFound = new("session_not_found", 404, "The session does not exist.",
        "Refresh the session list.");

    /// <summary>No route matches the request.</summary>
    public static readonly ErrorCode NotFound = new("not_found", 404, "No such resource.",
        "A client bug: check the path against the protocol.");

    /// <summary>The route exists but not for this HTTP method.</summary>
    public static readonly ErrorCode MethodNotAllowed = new("method_not_allowed", 405, "The method is not allowed here.",
        "A client bug: check the method against the protocol.");

    /// <summary>The membership of a direct conversation never changes.</summary>
    public static readonly ErrorCode ConversationIsDirect = new("conversation_is_direct", 409, "A direct conversation has fixed members.",
        "Create a group to talk with more people.");

    /// <summary>Adding the members would take the group over its size limit.</summary>
    public static readonly ErrorCode GroupFull = new("group_full", 409, "The group has reached its member limit.",
        "Remove members first or create another group.");

    /// <summary>Too many requests; <c>retryAfterMs</c> and the <c>Retry-After</c> header say when to try again.</summary>
    public static readonly ErrorCode RateLimited = new("rate_limited", 429, "Too many requests.",
        "Wait for `retryAfterMs` (or the Retry-After header) before retrying.");

    /// <summary>A socket frame named an <c>op</c> the server does not know.</summary>
    public static readonly ErrorCode UnknownOp = new("unknown_op", 400, "The operation is not known.",
        "A client bug, or a newer op than this server speaks: check the op against the protocol.");

    /// <summary>The user already holds the most sockets allowed on this node, or the node is full.</summary>
    public static readonly ErrorCode TooManyConnections = new("too_many_connections", 429, "Too many connections.",
        "Close another socket of this user, or retry later on another node.");

    /// <summary>
    /// The part of the store that holds this conversation (or the accounts) cannot be reached right now; nothing was
    /// written. Other conversations keep working.
    /// </summary>
    public static readonly ErrorCode StoreUnavailable = new("store_unavailable", 503, "The storage for this request is unreachable.",
        "Retry after `retryAfterMs` (or the Retry-After header); resend a message with the same clientMsgId.");

    /// <summary>An unexpected server fault. Nothing about it is disclosed; the server logged it.</summary>
    public static readonly ErrorCode InternalError = new("internal_error", 500, "An unexpected error occurred.",
        "Retry later with the same idempotency key (clientMsgId); report it if it persists.");

    /// <summary>The server API's key is missing, malformed, unknown or revoked (server API only).</summary>
    public static readonly ErrorCode InvalidApiKey = new("invalid_api_key", 401, "The API key is not valid.",
        "Check the key sent as `Authorization: Bearer tim_…`; a revoked key stays refused, so create a new one.");

    /// <summary>The API key lacks the scope the route needs; <c>detail</c> names it (server API only).</summary>
    public static readonly ErrorCode InsufficientScope = new("insufficient_scope", 403, "The API key lacks the scope this needs.",
        "Do not retry with this key: create one with the scope named in `detail`.");

    /// <summary>No API key with that id.</summary>
    public static readonly ErrorCode ApiKeyNotFound = new("api_key_not_found", 404, "The API key does not exist.",
        "Check the key id against the key list.");

    /// <summary>Another user already has that external id.</summary>
    public static readonly ErrorCode ExternalIdTaken = new("external_id_taken", 409, "The external id belongs to another user.",
        "Look the user up by the external id instead of creating it again.");

    /// <summary>The account is disabled: sign-in and minted tokens are refused, and every session has ended.</summary>
    public static readonly ErrorCode UserDisabled = new("user_disabled", 403, "The account is disabled.",
        "Do not retry; tell the user the account is disabled. Only the app's operator can enable it again.");

    /// <summary>No webhook endpoint with that id.</summary>
    public static readonly ErrorCode WebhookNotFound = new("webhook_not_found", 404, "The webhook endpoint does not exist.",
        "Check the endpoint id against the endpoint list.");

    /// <summary>No delivery with that id for that endpoint.</summary>
    public static readonly ErrorCode WebhookDeliveryNotFound = new("webhook_delivery_not_found", 404, "The webhook delivery does not exist.",
        "Check the delivery id against the endpoint's delivery log; delivered rows are pruned after the retention period.");

    /// <summary>Only a dead delivery can be retried: a pending one is still being tried, a delivered one arrived.</summary>
    public static readonly ErrorCode WebhookDeliveryNotDead = new("webhook_delivery_not_dead", 409, "Only a dead delivery can be retried.",
        "Do not retry: a pending delivery is retried by the server, a delivered one arrived.");
    /// <summary>The app's before-send hook refused the message; <c>detail</c> carries the hook's reason. Nothing was stored.</summary>
    public static readonly ErrorCode MessageRejected = new("message_rejected", 422, "The message was rejected.",
        "Do not resend it unchanged: show the reason in `detail` to the user, who may edit the text and send it again.");

    /// <summary>
    /// The before-send hook (set to fail closed) could not be asked: it timed out, failed or answered nonsense. Nothing
    /// was stored.
    /// </summary>
    public static readonly ErrorCode HookUnavailable = new("hook_unavailable", 503, "The message check is unavailable.",
        "Retry after `retryAfterMs` (or the Retry-After header) with the same clientMsgId.");

    /// <summary>A signing-key rotation was refused: as many keys as allowed are published, each still verifying live tokens.</summary>
    public static readonly ErrorCode TooManySigningKeys = new("too_many_signing_keys", 409, "Too many signing keys are published.",
        "Wait until an older key retires (its `retiresAt` in the key list), then rotate again.");

    /// <summary>An external issuer's valid token names a user TokenIM does not know, and that issuer does not create users on first use.</summary>
    public static readonly ErrorCode UnknownExternalUser = new("unknown_external_user", 401, "The token's user is not known to TokenIM.",
        "Create the user through the server API (with the token's sub as externalId) first, or turn on AutoCreateUsers for the issuer.");

    /// <summary>The route ends a TokenIM session, and the request's token is an external issuer's, which has none.</summary>
    public static readonly ErrorCode ExternalToken = new("external_token", 400, "An external issuer's token has no TokenIM session.",
        "Sign the user out at the identity provider; to refuse their tokens at once, sign them out everywhere through the server API.");

    /// <summary>No such message in the conversation (or the caller deleted it for themselves and asks to change it).</summary>
    public static readonly ErrorCode MessageNotFound = new("message_not_found", 404, "The message was not found.",
        "Drop the action: reload the conversation's history if the message should exist.");

    /// <summary>The edit window (24 hours by default) has passed since the message was sent.</summary>
    public static readonly ErrorCode EditWindowClosed = new("edit_window_closed", 409, "The message can no longer be edited.",
        "Hide the edit action for messages older than the edit window; send a new message instead.");

    /// <summary>The recall window (24 hours by default) has passed, and the caller is not an owner or admin of the group.</summary>
    public static readonly ErrorCode RecallWindowClosed = new("recall_window_closed", 409, "The message can no longer be recalled.",
        "Hide the recall action for such messages; \"delete for me\" still works.");

    /// <summary>The message was recalled: it cannot be edited, reacted to, quoted or forwarded.</summary>
    public static readonly ErrorCode MessageRecalled = new("message_recalled", 409, "The message was recalled.",
        "Show it as recalled (fetch the changes if it is not yet shown so) and drop the action.");

    /// <summary>No such attachment in the conversation, it is not the sender's own, or it expired unsent.</summary>
    public static readonly ErrorCode AttachmentNotFound = new("attachment_not_found", 404, "The attachment was not found.",
        "Upload the file again, then send with the new attachment id.");

    /// <summary>The attachment was sent already: each upload goes into one message (forward the message to send it again).</summary>
    public static readonly ErrorCode AttachmentInUse = new("attachment_in_use", 409, "The attachment was sent already.",
        "Forward the message that carries it, or upload the file again.");

    /// <summary>An upload exceeded the size limit (25 MiB by default); nothing was kept.</summary>
    public static readonly ErrorCode AttachmentTooLarge = new("attachment_too_large", 413, "The file is too large.",
        "Tell the user the limit (in `detail`); do not retry the same file.");

    /// <summary>A file link is malformed, forged, for another file, or expired.</summary>
    public static readonly ErrorCode InvalidLink = new("invalid_link", 403, "The link is not valid or has expired.",
        "Ask for a fresh link (links live 5 minutes by default) with the access token, then download again.");

    /// <summary>The other user of this direct conversation has blocked the sender: nothing was stored.</summary>
    public static readonly ErrorCode BlockedByUser = new("blocked_by_user", 403, "The recipient does not accept your messages.",
        "Tell the user; do not retry. Group messages are not affected.");

    /// <summary>Every code, in catalogue order: the source of the error table in docs/protocol.md.</summary>
    public static IReadOnlyList<ErrorCode> All { get; } =
    [
        ValidationFailed, MalformedRequest, RequestTooLarge, RequestTimeout, InvalidToken, TokenExpired, SessionRevoked,
        InvalidCredentials, InvalidRefreshToken, UsernameTaken, PermissionDenied, UserNotFound,
        ConversationNotFound, SessionNotFound, NotFound, MethodNotAllowed, ConversationIsDirect, GroupFull,
        RateLimited, UnknownOp, TooManyConnections, StoreUnavailable, InternalError,
        InvalidApiKey, InsufficientScope, ApiKeyNotFound, ExternalIdTaken, UserDisabled,
        WebhookNotFound, WebhookDeliveryNotFound, WebhookDeliveryNotDead,
        MessageRejected, HookUnavailable,
        TooManySigningKeys,
        UnknownExternalUser, ExternalToken,
        MessageNotFound, EditWindowClosed, RecallWindowClosed, MessageRecalled,
        AttachmentNotFound, AttachmentInUse, AttachmentTooLarge, InvalidLink, BlockedByUser,
    ];

    /// <summary>The catalogue entry for a wire code, or null for a code this version does not know (treat it by its HTTP status).</summary>
    public static ErrorCode? TryFind(string? code) =>
        code is not null && s_byCode.Value.TryGetValue(code, out var found) ? found : null;

    private static readonly Lazy<Dictionary<string, ErrorCode>> s_byCode = new(() => All.ToDictionary(c => c.Code, StringComparer.Ordinal));
}
