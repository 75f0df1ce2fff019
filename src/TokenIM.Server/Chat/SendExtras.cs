using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// What a send carries beside its text — a quoted message, a forwarded one, mentions, an attachment — checked
/// against the store before the send is queued, and turned into the columns of the new row
/// (<see cref="MessageExtras"/>). Each kind lives in its own file of this partial class. A plain text (the hot path)
/// pays one null check per kind and the mention scan (no '@', no work).
/// </summary>
internal sealed partial class SendExtras(IChatStore store, ISocialStore social, IUsernameDirectory usernames, AttachmentService files)
{
    private readonly AttachmentService _files = files;
    private readonly IChatStore _store = store;
    private readonly ISocialStore _social = social;
    private readonly IUsernameDirectory _usernames = usernames;

    /// <summary>
    /// The text to store and the extras, or the failure to answer with. Runs after the membership check and before
    /// the rate limit and the before-send hook, so a refused extra costs no send budget.
    /// </summary>
    public async Task<Result<ResolvedSend>> ResolveAsync(
        string userId, string conversationId, SendMessageRequest request, MemberRoster roster, CancellationToken cancellationToken)
    {
        var text = request.Text;
        if (request.ForwardOf is not null && !string.IsNullOrEmpty(text))
            return Failure.Validation("text", "A forward carries the original's text; send your own words as a second message.");
        var errors = new Dictionary<string, string[]>();
        if (ChatRules.CheckClientMsgId(request.ClientMsgId) is { } idError)
            errors["clientMsgId"] = [idError];
        // A file or a forward may come without words; otherwise the text rules of sending hold.
        var textOptional = request.AttachmentId is not null || request.ForwardOf is not null;
        if (!(textOptional && string.IsNullOrEmpty(text)) && ChatRules.CheckText(text) is { } textError)
            errors["text"] = [textError];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var extras = new MessageExtras();
        var reply = await ResolveReplyAsync(conversationId, request.ReplyToId, cancellationToken);
        if (!reply.IsSuccess)
            return reply.Error!;
        extras = reply.Value is { } replied ? extras with { ReplyToSeq = replied.Seq, ReplyPreview = replied.Preview } : extras;

        var forward = await ResolveForwardAsync(userId, request.ForwardOf, cancellationToken);
        if (!forward.IsSuccess)
            return forward.Error!;
        if (forward.Value is { } forwarded)
        {
            text = forwarded.Text;
            extras = extras with { ForwardedFromSenderId = forwarded.SenderId, ForwardedFromCreatedAt = forwarded.CreatedAt };
        }

        var attachment = await ResolveAttachmentAsync(userId, conversationId, request.AttachmentId, request.ClientMsgId, forward.Value, cancellationToken);
        if (!attachment.IsSuccess)
            return attachment.Error!;
        if (attachment.Value is { } attached)
            extras = extras with { AttachmentId = attached.Id, Attachment = attached };

        var mentions = await ResolveMentionsAsync(userId, conversationId, text ?? "", roster, cancellationToken);
        extras = mentions is null ? extras : extras with { Mentions = mentions };
        return new ResolvedSend(text ?? "", extras == s_none ? null : extras);
    }

    private static readonly MessageExtras s_none = new();
}

/// <summary>A checked send: the text to store (a forward's is the original's) and its extras (null: a plain text).</summary>
internal sealed record ResolvedSend(string Text, MessageExtras? Extras);

/// <summary>A quoted message: its seq (stored) and its preview (for the live event).</summary>
internal sealed record ResolvedReply(long Seq, MessageReplyDto Preview);

/// <summary>
/// A forwarded original: its text, its sender and time (Unix ms; the origin's, when it was itself forwarded), and its
/// attachment's id in its own conversation (the attachment step shares the bytes under a row of the new conversation).
/// </summary>
internal sealed record ResolvedForward(string Text, string SenderId, long CreatedAt, string SourceConversationId, string? AttachmentId);
