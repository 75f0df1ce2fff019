using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Stored rows to the messages a reader sees: each row's own columns (<see cref="ChatMapping.ToDto(MessageEntity)"/>)
/// plus what lives in other rows — reactions, the quoted message's preview, the attachment — and the reader's own
/// "deleted for me". Each part lives in its own file of this partial class and reads its rows in one query per page,
/// only for the messages that need it. Used by every read: history, <c>sync</c>, changes, search.
/// </summary>
internal sealed partial class MessageViews(IMessageChangeStore changes, ISocialStore social, IAttachmentStore attachments)
{
    private readonly IMessageChangeStore _changes = changes;
    private readonly ISocialStore _social = social;
    private readonly IAttachmentStore _attachments = attachments;

    /// <summary>
    /// The page as <paramref name="viewerId"/> sees it (null: the app's backend, which hides nothing), in the order
    /// given. Every row is of <paramref name="conversationId"/>.
    /// </summary>
    public async Task<IReadOnlyList<MessageDto>> ToDtosAsync(
        string? viewerId, string conversationId, IReadOnlyList<MessageEntity> rows, CancellationToken cancellationToken)
    {
        var dtos = new MessageDto[rows.Count];
        for (var i = 0; i < rows.Count; i++)
            dtos[i] = rows[i].ToDto();
        if (rows.Count == 0)
            return dtos;
        await AddReactionsAsync(conversationId, rows, dtos, cancellationToken);
        await AddRepliesAsync(conversationId, rows, dtos, cancellationToken);
        await AddAttachmentsAsync(conversationId, rows, dtos, cancellationToken);
        if (viewerId is not null)
            await HideForViewerAsync(viewerId, conversationId, rows, dtos, cancellationToken);
        return dtos;
    }
}
