#pragma warning disable CA1822 // A seam until its feature fills it: then it reads the store.
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class MessageViews
{
    /// <summary>Sets <see cref="MessageDto.Reactions"/>; only a message that changed (<c>ChangeSeq</c> &gt; 0) can have any.</summary>
    private Task AddReactionsAsync(string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Marks the viewer's "deleted for me" messages <see cref="MessageDto.Hidden"/>, with their text emptied.</summary>
    private Task HideForViewerAsync(string viewerId, string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
