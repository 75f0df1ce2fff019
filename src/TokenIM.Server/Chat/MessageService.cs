using TokenIM.Protocol.Rest;
using TokenIM.Server.Hooks;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>Sending (through the group-commit writer), reading history and moving read markers, for REST and the socket alike.</summary>
internal sealed class MessageService(
    IChatStore store, MessageWriter writer, SendThrottle throttle, ChatEvents events, BeforeSendHook hook, SendExtras extras, MessageViews views, BlockList blocks)
{
    // Null when no hook is configured: then a send pays one null check for it.
    private readonly BeforeSendHook? _hook = hook.IsConfigured ? hook : null;

    /// <summary>
    /// Stores a message and returns it once committed; <c>Created</c> is false when the sender already sent this
    /// clientMsgId here, and the original comes back (even if the text differs).
    /// </summary>
    public async Task<Result<(MessageDto Message, bool Created)>> SendAsync(
        string userId, string conversationId, SendMessageRequest request, CancellationToken cancellationToken)
    {
        var queued = await QueueSendAsync(userId, conversationId, request, originConnectionId: null, cancellationToken);
        return queued.IsSuccess ? await queued.Value! : queued.Error!;
    }

    /// <summary>
    /// Checks a send and queues it for the group-commit writer; the returned task completes after the commit (and
    /// the event is published). Sends queued by one caller in turn are committed in that order, so a socket that
    /// awaits this method — not the commit — keeps its messages in order while many are in flight. <c>onCommitted</c>
    /// is called in commit order right after the commit (before the task completes) and must not block.
    /// </summary>
    public async Task<Result<Task<Result<(MessageDto Message, bool Created)>>>> QueueSendAsync(
        string userId,
        string conversationId,
        SendMessageRequest request,
        string? originConnectionId,
        CancellationToken cancellationToken,
        Action<Result<(MessageDto Message, bool Created)>?>? onCommitted = null)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return ChatFailures.ConversationNotFound;
        // Only a conversation of two can be a direct one; a member who blocked nobody costs a cache lookup. A resend of
        // a message stored before the block is let through to the writer, which answers the original: sends are
        // idempotent (protocol), so a device retrying an unacknowledged send must not be told it was refused.
        if (await blocks.IsSendBlockedAsync(userId, conversationId, roster, cancellationToken)
            && await store.FindMessageAsync(conversationId, userId, request.ClientMsgId!, cancellationToken) is null)
            return ChatFailures.BlockedByUser;
        var resolved = await extras.ResolveAsync(userId, conversationId, request, roster, cancellationToken);
        if (!resolved.IsSuccess)
            return resolved.Error!;
        if (await throttle.TryAcquireAsync(userId) is { } wait)
            return Failure.RateLimited(wait);

        var (text, sendExtras) = resolved.Value!;
        if (_hook is not null)
        {
            // Awaited before queueing: a socket awaits this method before reading its next frame, so its sends
            // still reach the writer in order; the hook only adds latency.
            var verdict = await _hook.CheckAsync(conversationId, userId, request.ClientMsgId!, text, cancellationToken);
            if (!verdict.IsSuccess)
                return verdict.Error!;
            text = verdict.Value!;
        }

        var send = new AppendRequest(
            conversationId, userId, request.ClientMsgId!, text, ChatRules.NewId(), originConnectionId,
            onCommitted is null ? null : result => onCommitted(result is null ? default(Result<(MessageDto Message, bool Created)>?) : ToResult(result, sendExtras)),
            sendExtras);
        var committed = await writer.QueueAsync(send, cancellationToken);
        return CompleteAsync(conversationId, committed, sendExtras);
    }

    /// <summary>
    /// A page of history, ascending; both bounds exclusive. Neither bound: the newest <paramref name="limit"/>;
    /// <paramref name="afterSeq"/> only: the first above it; <paramref name="beforeSeq"/> only: the last below it;
    /// both: the range read from its low end. <c>hasMore</c> looks in the direction the page was read: below the
    /// page when reading down from the top (no bound, or <paramref name="beforeSeq"/> only), above it when reading
    /// up (<paramref name="afterSeq"/>, with or without <paramref name="beforeSeq"/>; with both, "more" means more
    /// of the range, below <paramref name="beforeSeq"/>). So a client pages on with the last seq as the next
    /// <c>afterSeq</c>, or the first seq as the next <c>beforeSeq</c>, while <c>hasMore</c> is true. A null
    /// <paramref name="userId"/> is the app's backend (server API): it reads any conversation that exists.
    /// </summary>
    public async Task<Result<MessagePage>> GetPageAsync(
        string? userId, string conversationId, long? afterSeq, long? beforeSeq, int? limit, CancellationToken cancellationToken,
        int maxLimit = ChatRules.MaxPageSize, int defaultLimit = ChatRules.DefaultPageSize)
    {
        var readable = userId is null
            ? await store.FindConversationAsync(conversationId, cancellationToken) is not null
            : await store.GetRosterAsync(conversationId, cancellationToken) is { } roster && roster.Contains(userId);
        if (!readable)
            return ChatFailures.ConversationNotFound;
        var errors = ChatRules.CheckPage(afterSeq, beforeSeq, limit, maxLimit);
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var take = limit ?? defaultLimit;
        var fromHighEnd = afterSeq is null;
        // One row more than the page tells whether more lie beyond it, without a count.
        var rows = await store.GetMessagesAsync(conversationId, afterSeq, beforeSeq, take + 1, fromHighEnd, cancellationToken);
        var page = rows.Take(take);
        var dtos = await views.ToDtosAsync(userId, conversationId, [.. fromHighEnd ? page.Reverse() : page], cancellationToken);
        return new MessagePage(dtos, rows.Count > take);
    }

    /// <summary>
    /// Moves the caller's read marker forward to <paramref name="request"/>'s seq (0 to the last seq). A lower
    /// value succeeds and changes nothing: markers from several devices may arrive in any order. A marker that moved
    /// is published as a receipt.
    /// </summary>
    public async Task<Outcome> MarkReadAsync(
        string userId, string conversationId, ReadRequest request, CancellationToken cancellationToken, string? originConnectionId = null)
    {
        var membership = await store.FindMembershipAsync(conversationId, userId, cancellationToken);
        if (membership is null)
            return ChatFailures.ConversationNotFound;
        if (request.Seq is not { } seq || seq < 0 || seq > membership.LastSeq)
            return Failure.Validation("seq", $"seq is 0 to the conversation's last seq ({membership.LastSeq}).");
        if (await store.AdvanceReadSeqAsync(conversationId, userId, seq, cancellationToken))
            await events.ReceiptAsync(conversationId, userId, seq, originConnectionId, cancellationToken);
        return Outcome.Ok;
    }

    private async Task<Result<(MessageDto Message, bool Created)>> CompleteAsync(string conversationId, Task<AppendResult> committed, MessageExtras? sent)
    {
        var result = await committed;
        if (result.Status == AppendStatus.Created && sent is not null)
            await extras.AfterCommitAsync(conversationId, sent, result.Message!.Seq, CancellationToken.None);
        // A repeated clientMsgId answers the original as any read shows it (its file, reply, reactions), not its bare row.
        if (result.Status == AppendStatus.Duplicate)
            return ((await views.ToDtosAsync(null, conversationId, [result.Message!], CancellationToken.None))[0], false);
        return ToResult(result, sent);
    }

    private static Result<(MessageDto Message, bool Created)> ToResult(AppendResult result, MessageExtras? extras) => result.Status switch
    {
        AppendStatus.Created => (result.Message!.ToDto(extras), true),
        AppendStatus.Duplicate => (result.Message!.ToDto(), false),
        AppendStatus.Unavailable => ChatFailures.StoreUnavailable,
        // The sender left between the first check and the commit.
        _ => ChatFailures.ConversationNotFound,
    };
}
