using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class MessageViews
{
    /// <summary>Sets <see cref="MessageDto.Attachment"/> for the messages that carry one, in one query for the page.</summary>
    private async Task AddAttachmentsAsync(string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken)
    {
        HashSet<string>? ids = null;
        foreach (var row in rows)
        {
            if (row.AttachmentId is { } id)
                (ids ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
        }
        if (ids is null)
            return;
        var found = (await _attachments.GetAttachmentsAsync(conversationId, ids, cancellationToken)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].AttachmentId is { } id && found.TryGetValue(id, out var attachment))
                dtos[i] = dtos[i] with { Attachment = AttachmentService.ToDto(attachment) };
        }
    }
}
