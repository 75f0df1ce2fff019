using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Hooks;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Changing sent messages — edit, recall, reactions — and "delete for me", and reading the change cursor, for REST
/// and the socket alike. Every change that writes takes the conversation's next change seq (in the store) and is
/// published as <c>changed</c> to every member; one that changes nothing (a repeated reaction, a second recall)
/// answers the message as it is and publishes nothing. Membership is checked first, as everywhere.
/// </summary>
internal sealed class MessageChangeService(
    IChatStore store,
    IMessageChangeStore changes,
    BeforeSendHook hook,
    SendExtras extras,
    MessageViews views,
    ChangeEvents events,
    TimeProvider time,
    IOptions<TokenImOptions> options,
    AttachmentService files)
{
    private static readonly Failure s_messageNotFound = new(ErrorCode.MessageNotFound, "No such message in this conversation.");
    private static readonly Failure s_recalled = new(ErrorCode.MessageRecalled, "The message was recalled.");

    // Null when no hook is configured, as for sends.
    private readonly BeforeSendHook? _hook = hook.IsConfigured ? hook : null;
    private readonly MessageSettings _settings = options.Value.Messages;

    /// <summary>
    /// The sender replaces the text within the edit window. The new text follows the rules of sending and goes
    /// through the before-send hook (outside the lock: it is a network call); the checks on the message are made
    /// again under the lock, so a recall that won the race is not undone.
    /// </summary>
    public async Task<Result<MessageDto>> EditAsync(string userId, string conversationId, string messageId, EditMessageRequest request, CancellationToken cancellationToken)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return ChatFailures.ConversationNotFound;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var current = await changes.FindMessageByIdAsync(conversationId, messageId, cancellationToken);
        if (current is null)
            return s_messageNotFound;
        if (RefuseEdit(current, userId, now) is { } refused)
            return refused;
        if (ChatRules.CheckText(request.Text) is { } textError)
            return Failure.Validation("text", textError);

        var text = request.Text!;
        if (_hook is not null)
        {
            var verdict = await _hook.CheckEditAsync(conversationId, userId, current.ClientMsgId, text, cancellationToken);
            if (!verdict.IsSuccess)
                return verdict.Error!;
            text = verdict.Value!;
        }

        var mentions = await extras.ResolveEditMentionsAsync(userId, conversationId, text, roster, cancellationToken);
        return await ChangeAsync(userId, conversationId, messageId, roster, m =>
            m is null ? s_messageNotFound : RefuseEdit(m, userId, now) is { } late ? late : new MessageChange(MessageChangeKind.Edit, userId, now, text, mentions),
            cancellationToken);
    }

    /// <summary>
    /// Deletes the message for everyone, leaving a tombstone at its seq: the sender within the recall window, a
    /// group's owners and admins at any time. A second recall answers the tombstone and changes nothing.
    /// </summary>
    public async Task<Result<MessageDto>> RecallAsync(string userId, string conversationId, string messageId, CancellationToken cancellationToken)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId)
            || await store.FindMembershipAsync(conversationId, userId, cancellationToken) is not { } membership)
            return ChatFailures.ConversationNotFound;
        var moderator = membership.ConversationType == ConversationTypes.Group && membership.Member.Role is MemberRoles.Owner or MemberRoles.Admin;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        string? droppedFile = null;
        var recalled = await ChangeAsync(userId, conversationId, messageId, roster, m =>
        {
            if (m is null)
                return s_messageNotFound;
            if (!moderator && m.SenderId != userId)
                return ChatFailures.PermissionDenied("recall another member's message");
            if (m.RecalledAt is not null)
                return (MessageChange?)null;
            if (!moderator && now - m.CreatedAt > (long)_settings.RecallWindow.TotalMilliseconds)
                return new Failure(ErrorCode.RecallWindowClosed, $"A message can be recalled within {_settings.RecallWindow} of sending; delete it for yourself instead.");
            droppedFile = m.AttachmentId;
            return new MessageChange(MessageChangeKind.Recall, userId, now);
        }, cancellationToken);
        // The recalled file's row goes at once (its links stop working), its bytes once no forward names them.
        if (recalled.IsSuccess && droppedFile is not null)
            await files.ReleaseAsync(conversationId, droppedFile, cancellationToken);
        return recalled;
    }

    /// <summary>Adds (or removes) the caller's reaction; adding one that is there, or removing one that is not, changes nothing.</summary>
    public async Task<Result<MessageDto>> ReactAsync(
        string userId, string conversationId, string messageId, string emoji, bool add, CancellationToken cancellationToken)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return ChatFailures.ConversationNotFound;
        if (!Reactions.Allowed.Contains(emoji, StringComparer.Ordinal))
            return Failure.Validation("emoji", $"A reaction is one of {string.Join(' ', Reactions.Allowed)}.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var kind = add ? MessageChangeKind.AddReaction : MessageChangeKind.RemoveReaction;
        return await ChangeAsync(userId, conversationId, messageId, roster, m =>
            m is null ? s_messageNotFound
            : add && m.RecalledAt is not null ? s_recalled
            : new MessageChange(kind, userId, now, Emoji: emoji),
            cancellationToken);
    }

    /// <summary>Hides the message from the caller's own views, on every device; their other sockets hear of it once.</summary>
    public async Task<Outcome> HideAsync(string userId, string conversationId, string messageId, string? originConnectionId, CancellationToken cancellationToken)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return ChatFailures.ConversationNotFound;
        if (await changes.FindMessageByIdAsync(conversationId, messageId, cancellationToken) is not { } message)
            return s_messageNotFound;
        if (await changes.HideAsync(conversationId, userId, message.Seq, cancellationToken))
            await events.HiddenAsync(userId, conversationId, message.Id, message.Seq, originConnectionId);
        return Outcome.Ok;
    }

    /// <summary>The messages changed above <paramref name="afterChangeSeq"/> (default 0), ascending by change seq, as the caller sees them now.</summary>
    public async Task<Result<ChangePage>> GetChangesAsync(
        string userId, string conversationId, long? afterChangeSeq, int? limit, CancellationToken cancellationToken,
        int maxLimit = ChatRules.MaxPageSize, int defaultLimit = ChatRules.DefaultPageSize)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return ChatFailures.ConversationNotFound;
        var errors = new Dictionary<string, string[]>();
        if (afterChangeSeq < 0)
            errors["afterChangeSeq"] = ["afterChangeSeq must not be negative."];
        if (limit < 1 || limit > maxLimit)
            errors["limit"] = [$"limit is 1–{maxLimit}."];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var take = limit ?? defaultLimit;
        // One row more than the page tells whether more lie above it.
        var rows = await changes.GetChangesAsync(conversationId, afterChangeSeq ?? 0, take + 1, cancellationToken);
        var dtos = await views.ToDtosAsync(userId, conversationId, [.. rows.Take(take)], cancellationToken);
        return new ChangePage(dtos, rows.Count > take);
    }

    private Failure? RefuseEdit(MessageEntity message, string userId, long now)
    {
        if (message.SenderId != userId)
            return ChatFailures.PermissionDenied("edit another member's message");
        if (message.RecalledAt is not null)
            return s_recalled;
        if (now - message.CreatedAt > (long)_settings.EditWindow.TotalMilliseconds)
            return new Failure(ErrorCode.EditWindowClosed, $"A message can be edited within {_settings.EditWindow} of sending; send a new one instead.");
        return null;
    }

    private async Task<Result<MessageDto>> ChangeAsync(
        string userId, string conversationId, string messageId, MemberRoster roster, Func<MessageEntity?, Result<MessageChange?>> decide, CancellationToken cancellationToken)
    {
        var outcome = await changes.ChangeMessageAsync(conversationId, messageId, decide, cancellationToken);
        if (!outcome.IsSuccess)
            return outcome.Error!;
        var (row, changed) = outcome.Value!;
        if (changed)
        {
            // The event carries the message as everyone sees it; the answer, as the caller does.
            var shared = await views.ToDtosAsync(null, conversationId, [row], cancellationToken);
            await events.ChangedAsync(shared[0], roster.MemberIds);
        }

        return (await views.ToDtosAsync(userId, conversationId, [row], cancellationToken))[0];
    }
}
