#pragma warning disable CA1822 // A seam until its feature fills it: then it reads the store.
using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>
    /// The attachment the new message carries: the sender's unsent upload to this conversation, or a forwarded
    /// original's (its bytes shared under a new row of this conversation). Null when none.
    /// </summary>
    private Task<Result<AttachmentDto?>> ResolveAttachmentAsync(
        string userId, string conversationId, string? attachmentId, ResolvedForward? forward, CancellationToken cancellationToken) =>
        Task.FromResult<Result<AttachmentDto?>>(attachmentId is null ? (AttachmentDto?)null : Failure.Validation("attachmentId", "Attachments are not supported yet."));
}
