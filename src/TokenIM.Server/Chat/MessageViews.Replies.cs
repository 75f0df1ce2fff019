using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class MessageViews
{
    /// <summary>
    /// Sets <see cref="MessageDto.ReplyTo"/>: the quoted messages' previews, as they are now (a recalled one shows
    /// empty and <c>recalled</c>). One query for the page, only when a message of it quotes one.
    /// </summary>
    private async Task AddRepliesAsync(string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken)
    {
        HashSet<long>? seqs = null;
        foreach (var row in rows)
        {
            if (row.ReplyToSeq is { } seq)
                (seqs ??= []).Add(seq);
        }

        if (seqs is null)
            return;
        var quoted = (await _social.GetQuotedAsync(conversationId, seqs, cancellationToken)).ToDictionary(q => q.Seq);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].ReplyToSeq is { } seq && quoted.TryGetValue(seq, out var q))
                dtos[i] = dtos[i] with { ReplyTo = Preview(q) };
        }
    }

    private static MessageReplyDto Preview(QuotedMessage q) => q.Recalled
        ? new MessageReplyDto(q.Id, q.Seq, q.SenderId, "", Recalled: true)
        : new MessageReplyDto(q.Id, q.Seq, q.SenderId, SendExtras.Preview(q.Text), AttachmentName: q.AttachmentName);
}
