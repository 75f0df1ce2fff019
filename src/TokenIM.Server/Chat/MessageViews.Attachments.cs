#pragma warning disable CA1822 // A seam until its feature fills it: then it reads the store.
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class MessageViews
{
    /// <summary>Sets <see cref="MessageDto.Attachment"/> for the messages that carry one.</summary>
    private Task AddAttachmentsAsync(string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
