namespace TokenIM.Server.Storage;

/// <summary>Finding messages by their text, only where the searcher is a member (docs/protocol.md, "Search").</summary>
internal interface ISearchStore
{
    /// <summary>
    /// Messages whose text contains <paramref name="text"/> (Latin letters without regard to case), newest first
    /// (<see cref="SearchPosition"/> order), strictly after <paramref name="after"/> in that order, at most
    /// <paramref name="take"/>: of <paramref name="conversationId"/> when given (the caller checked membership),
    /// else of every conversation <paramref name="userId"/> is a member of. Never a recalled message, nor one the user
    /// hid.
    /// </summary>
    Task<IReadOnlyList<MessageEntity>> SearchMessagesAsync(
        string userId, string? conversationId, string text, SearchPosition after, int take, CancellationToken cancellationToken);
}

/// <summary>
/// A message's place in search order: newest first, then by conversation and seq (descending) to make the order total,
/// so a cursor made of the last result's position pages on without repeats or gaps.
/// </summary>
internal readonly record struct SearchPosition(long CreatedAt, string ConversationId, long Seq)
{
    /// <summary>Before every message: the first page starts here.</summary>
    public static SearchPosition Start { get; } = new(long.MaxValue, "", 0);

    public static SearchPosition Of(MessageEntity message) => new(message.CreatedAt, message.ConversationId, message.Seq);

    /// <summary>Whether <paramref name="x"/> comes first in search order (descending on every part).</summary>
    public static int Compare(SearchPosition x, SearchPosition y)
    {
        var byTime = y.CreatedAt.CompareTo(x.CreatedAt);
        if (byTime != 0)
            return byTime;
        var byConversation = string.CompareOrdinal(y.ConversationId, x.ConversationId);
        return byConversation != 0 ? byConversation : y.Seq.CompareTo(x.Seq);
    }
}
