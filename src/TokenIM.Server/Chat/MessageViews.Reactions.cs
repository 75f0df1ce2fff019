using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class MessageViews
{
    /// <summary>Sets <see cref="MessageDto.Reactions"/>; only a message that changed (<c>ChangeSeq</c> &gt; 0) can have any.</summary>
    private async Task AddReactionsAsync(string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken)
    {
        List<long>? changed = null;
        foreach (var row in rows)
        {
            if (row.ChangeSeq > 0 && row.RecalledAt is null)
                (changed ??= []).Add(row.Seq);
        }

        // A page of messages nobody reacted to or edited (the common case) costs no query.
        if (changed is null)
            return;
        var reactions = await _changes.GetReactionsAsync(conversationId, changed, cancellationToken);
        if (reactions.Count == 0)
            return;
        // Rows come ordered by time: the first row of an emoji is its first use, and "who" is earliest first.
        var bySeq = reactions.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => Aggregate(g));
        for (var i = 0; i < rows.Count; i++)
        {
            if (bySeq.TryGetValue(rows[i].Seq, out var list))
                dtos[i] = dtos[i] with { Reactions = list };
        }
    }

    private static ReactionDto[] Aggregate(IEnumerable<ReactionEntity> reactions) =>
        [.. reactions.GroupBy(r => r.Emoji, StringComparer.Ordinal)
            .Select(g => new ReactionDto(g.Key, g.Count(), [.. g.Take(Reactions.MaxListedUsers).Select(r => r.UserId)]))];

    /// <summary>Marks the viewer's "deleted for me" messages <see cref="MessageDto.Hidden"/>, with their text emptied.</summary>
    private async Task HideForViewerAsync(string viewerId, string conversationId, IReadOnlyList<MessageEntity> rows, MessageDto[] dtos, CancellationToken cancellationToken)
    {
        var hidden = await _changes.GetHiddenAsync(conversationId, viewerId, [.. rows.Select(r => r.Seq)], cancellationToken);
        if (hidden.Count == 0)
            return;
        var set = hidden.ToHashSet();
        for (var i = 0; i < rows.Count; i++)
        {
            // Nothing of it is shown: no text, reactions, reply, mentions or file.
            if (set.Contains(rows[i].Seq))
                dtos[i] = dtos[i] with { Hidden = true, Text = "", Reactions = null, ReplyTo = null, Mentions = null, MentionsAll = null, Attachment = null };
        }
    }
}
