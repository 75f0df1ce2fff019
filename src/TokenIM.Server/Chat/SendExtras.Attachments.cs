using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>
    /// The attachment the new message carries: the sender's unsent upload to this conversation, or a forwarded
    /// original's (its bytes shared under a new row of this conversation). Null when none.
    /// </summary>
    private async Task<Result<AttachmentDto?>> ResolveAttachmentAsync(
        string userId, string conversationId, string? attachmentId, string? clientMsgId, ResolvedForward? forward, CancellationToken cancellationToken)
    {
        if (forward?.AttachmentId is { } forwarded)
        {
            // A forward carries the original's file; a file of one's own goes in a message of its own.
            if (attachmentId is not null)
                return Failure.Validation("attachmentId", "A forward carries the original's file; send your own file as a second message.");
            var shared = await _files.ShareAsync(userId, forward.SourceConversationId, forwarded, conversationId, cancellationToken);
            return shared.IsSuccess ? shared.Value : shared.Error!;
        }
        if (attachmentId is null)
            return (AttachmentDto?)null;
        var own = await _files.ResolveOwnAsync(userId, conversationId, attachmentId, clientMsgId, cancellationToken);
        return own.IsSuccess ? own.Value : own.Error!;
    }

    /// <summary>After the message committed: the upload learns its message's seq.</summary>
    public Task AfterCommitAsync(string conversationId, MessageExtras? extras, long seq, CancellationToken cancellationToken) =>
        extras?.AttachmentId is { } attachmentId ? _files.MarkSentAsync(conversationId, attachmentId, seq, cancellationToken) : Task.CompletedTask;
}
