using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>What sending, forwarding and recalling a message do to its file.</summary>
internal sealed partial class AttachmentService
{
    public static Failure InUse { get; } = new(ErrorCode.AttachmentInUse, "This upload was sent already; forward that message, or upload the file again.");

    /// <summary>
    /// The sender's own unsent upload to this conversation. A resend of the very message that carries it (same sender
    /// and clientMsgId) passes, so the append answers it with the original as for any idempotent resend.
    /// </summary>
    public async Task<Result<AttachmentDto>> ResolveOwnAsync(
        string userId, string conversationId, string attachmentId, string? clientMsgId, CancellationToken cancellationToken)
    {
        var row = await store.FindAttachmentAsync(conversationId, attachmentId, cancellationToken);
        if (row is null || row.UploaderId != userId)
            return NotFound;
        // The message's own column is the truth (MessageSeq is a hint set after the commit).
        if (await store.FindAttachmentSenderAsync(conversationId, attachmentId, cancellationToken) is { } sent
            && (sent.SenderId != userId || sent.ClientMsgId != clientMsgId))
            return InUse;
        return ToDto(row);
    }

    /// <summary>
    /// A forwarded original's file under a new row of the target conversation, sharing the bytes. If the send then
    /// fails, the row is an unsent upload like any other and the cleanup removes it.
    /// </summary>
    public async Task<Result<AttachmentDto>> ShareAsync(
        string userId, string sourceConversationId, string sourceAttachmentId, string targetConversationId, CancellationToken cancellationToken)
    {
        var source = await store.FindAttachmentAsync(sourceConversationId, sourceAttachmentId, cancellationToken);
        // Renewing the blob's use time keeps a concurrent cleanup from deleting it before the new row exists.
        if (source is null || !blobs.Touch(source.BlobKey))
            return NotFound;
        var row = new AttachmentEntity
        {
            Id = ChatRules.NewId(),
            ConversationId = targetConversationId,
            UploaderId = userId,
            Name = source.Name,
            ContentType = source.ContentType,
            Size = source.Size,
            Width = source.Width,
            Height = source.Height,
            BlobKey = source.BlobKey,
            ThumbnailKey = source.ThumbnailKey,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await store.AddAttachmentAsync(row, cancellationToken);
        return ToDto(row);
    }

    /// <summary>After the message committed: records its seq on the upload (a hint; a failure here loses nothing).</summary>
    public async Task MarkSentAsync(string conversationId, string attachmentId, long seq, CancellationToken cancellationToken)
    {
        try
        {
            await store.MarkAttachmentSentAsync(conversationId, attachmentId, seq, cancellationToken);
        }
        catch (Exception e) when (StoreUnavailableException.IsUnreachable(e))
        {
            // The message is committed and carries the file; the sender must get its ack. The cleanup asks the
            // messages' own column before deleting, so the missing hint costs only a slower check.
            LogMarkSentFailed(logger, conversationId, attachmentId, e.Message);
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "Could not record the message of attachment {AttachmentId} in {ConversationId}: {Reason}")]
    private static partial void LogMarkSentFailed(ILogger logger, string conversationId, string attachmentId, string reason);

    /// <summary>
    /// For a recall that dropped the message's attachment: deletes the upload's row, and its bytes when no row of any
    /// conversation names them any more (a forward shares them). Safe to call twice or from several nodes.
    /// </summary>
    public async Task ReleaseAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        if (await store.DeleteAttachmentIfUnsentAsync(conversationId, attachmentId, cancellationToken) is { } row)
            await DeleteBlobIfUnreferencedAsync(row.BlobKey, cancellationToken);
    }

    /// <summary>
    /// Deletes a blob and its thumbnail when no row names it and it was not used within a minute (an upload of the same
    /// bytes may be between storing them and writing its row).
    /// </summary>
    public async Task DeleteBlobIfUnreferencedAsync(string blobKey, CancellationToken cancellationToken)
    {
        if (await store.IsBlobReferencedAsync(blobKey, cancellationToken))
            return;
        var usedBefore = time.GetUtcNow() - TimeSpan.FromMinutes(1);
        var thumbnailGone = await blobs.DeleteIfIdleAsync(AttachmentKeys.Thumbnail(blobKey), usedBefore, cancellationToken);
        // Kept for being in use a moment ago (a recall right after the upload): no row names it any more, so only
        // this node knows to look again; the next cleanup pass does.
        if (!await blobs.DeleteIfIdleAsync(blobKey, usedBefore, cancellationToken) || !thumbnailGone)
            _deferred.Enqueue(blobKey);
    }

    /// <summary>Blobs whose deletion was put off; retried by each cleanup pass (lost on a restart: then they stay, unreadable, as no row names them).</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _deferred = new();

    /// <summary>Retries the blobs put off since the last pass.</summary>
    public async Task RetryDeferredAsync(CancellationToken cancellationToken)
    {
        for (var count = _deferred.Count; count > 0 && _deferred.TryDequeue(out var key); count--)
            await DeleteBlobIfUnreferencedAsync(key, cancellationToken);
    }
}
