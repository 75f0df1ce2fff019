#pragma warning disable CA1822 // A seam until its feature fills it: then it reads the store.
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class MessageViews
{
    /// <summary>Sets <see cref="MessageDto.ReplyTo"/>: the quoted messages' previews, as they are now.</summary>
    private Task AddRepliesAsync(string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
