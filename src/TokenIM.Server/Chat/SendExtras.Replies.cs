#pragma warning disable CA1822 // A seam until its feature fills it: then it reads the store.
using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>The quoted message of the same conversation; null when the send quotes none.</summary>
    private Task<Result<ResolvedReply?>> ResolveReplyAsync(string conversationId, string? replyToId, CancellationToken cancellationToken) =>
        Task.FromResult<Result<ResolvedReply?>>(replyToId is null ? (ResolvedReply?)null : Failure.Validation("replyToId", "Replies are not supported yet."));

    /// <summary>The forwarded original, from a conversation the sender is a member of; null when the send forwards nothing.</summary>
    private Task<Result<ResolvedForward?>> ResolveForwardAsync(string userId, MessageRefDto? forwardOf, CancellationToken cancellationToken) =>
        Task.FromResult<Result<ResolvedForward?>>(forwardOf is null ? (ResolvedForward?)null : Failure.Validation("forwardOf", "Forwards are not supported yet."));
}
