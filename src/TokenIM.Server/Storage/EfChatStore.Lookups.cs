using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>Point reads that need no member: the server API's view of a conversation, and a send's idempotency key.</summary>
internal sealed partial class EfChatStore
{
    public async Task<ConversationEntity?> FindConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var db = shards.For(conversationId).Create();
        return await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
    }

    public async Task<MessageEntity?> FindMessageAsync(string conversationId, string senderId, string clientMsgId, CancellationToken cancellationToken)
    {
        // The unique (conversation, sender, clientMsgId) index serves this.
        await using var db = shards.For(conversationId).Create();
        return await db.Messages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.ConversationId == conversationId && m.SenderId == senderId && m.ClientMsgId == clientMsgId, cancellationToken);
    }
}
