namespace TokenIM.Server.Storage;

/// <summary>The rows of uploaded files (<see cref="AttachmentEntity"/>), each on its conversation's shard.</summary>
internal interface IAttachmentStore
{
    Task AddAttachmentAsync(AttachmentEntity attachment, CancellationToken cancellationToken);

    /// <summary>The upload <paramref name="attachmentId"/> of the conversation, or null.</summary>
    Task<AttachmentEntity?> FindAttachmentAsync(string conversationId, string attachmentId, CancellationToken cancellationToken);

    /// <summary>
    /// The upload by id alone, looked for on every shard (a download link names no conversation); only called after
    /// the link's signature was checked, so a stranger cannot make the server ask every shard.
    /// </summary>
    Task<AttachmentEntity?> FindAttachmentAnywhereAsync(string attachmentId, CancellationToken cancellationToken);

    /// <summary>The message that carries the upload (its sender and clientMsgId), or null while it is unsent.</summary>
    Task<(string SenderId, string ClientMsgId)?> FindAttachmentSenderAsync(string conversationId, string attachmentId, CancellationToken cancellationToken);

    /// <summary>The uploads among <paramref name="attachmentIds"/> of the conversation, in one query.</summary>
    Task<IReadOnlyList<AttachmentEntity>> GetAttachmentsAsync(string conversationId, IReadOnlyCollection<string> attachmentIds, CancellationToken cancellationToken);

    /// <summary>Records the seq of the message that carries the upload (the hint of <see cref="AttachmentEntity.MessageSeq"/>).</summary>
    Task MarkAttachmentSentAsync(string conversationId, string attachmentId, long seq, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes, on every shard, up to <paramref name="max"/> uploads made before <paramref name="createdBefore"/> (Unix
    /// ms) that no message carries, and returns them (their blobs may now be unreferenced). Idempotent: nodes cleaning
    /// at once delete each row once between them.
    /// </summary>
    Task<IReadOnlyList<AttachmentEntity>> DeleteUnsentAttachmentsAsync(long createdBefore, int max, CancellationToken cancellationToken);

    /// <summary>Deletes the upload if no message carries it (after a recall); returns it when deleted.</summary>
    Task<AttachmentEntity?> DeleteAttachmentIfUnsentAsync(string conversationId, string attachmentId, CancellationToken cancellationToken);

    /// <summary>Whether any row on any shard still names the blob (and so its thumbnail).</summary>
    Task<bool> IsBlobReferencedAsync(string blobKey, CancellationToken cancellationToken);
}
