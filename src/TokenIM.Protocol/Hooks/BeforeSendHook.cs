namespace TokenIM.Protocol.Hooks;

/// <summary>
/// The body of the before-send hook's request: a signed <c>POST</c> (header <c>TokenIM-Signature</c>, see
/// <see cref="Webhooks.WebhookSignature"/>) made for every send that passed the server's own checks, before it is stored.
/// </summary>
/// <param name="ConversationId">The conversation the message goes to.</param>
/// <param name="SenderId">The user (or bot) sending it.</param>
/// <param name="ClientMsgId">The sender's idempotency key: a resend of a stored message is not checked again.</param>
/// <param name="Text">The text as sent.</param>
public sealed record BeforeSendHookRequest(string ConversationId, string SenderId, string ClientMsgId, string Text);

/// <summary>The hook's answer (<c>200</c>, JSON).</summary>
/// <param name="Action"><c>allow</c>, <c>reject</c> or <c>rewrite</c> (see <see cref="BeforeSendActions"/>).</param>
/// <param name="Reason">With <c>reject</c>: why, shown to the sender in the error's <c>detail</c>. Optional.</param>
/// <param name="Text">With <c>rewrite</c>: the text to store instead; it must pass the same text rules as a sent one.</param>
public sealed record BeforeSendHookResponse(string? Action, string? Reason = null, string? Text = null);

/// <summary>The actions a before-send hook may answer.</summary>
public static class BeforeSendActions
{
    /// <summary>Store the message as sent.</summary>
    public const string Allow = "allow";

    /// <summary>Refuse it: the sender gets <c>message_rejected</c> and nothing is stored.</summary>
    public const string Reject = "reject";

    /// <summary>Store the hook's <c>text</c> instead of the sent one.</summary>
    public const string Rewrite = "rewrite";
}
