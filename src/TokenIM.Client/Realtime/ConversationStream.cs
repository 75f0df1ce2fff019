using TokenIM.Protocol.Rest;

namespace TokenIM.Client.Realtime;

/// <summary>What <see cref="ConversationStream.Accept"/> did with a message.</summary>
internal enum Acceptance
{
    /// <summary>It was the next seq: delivered, with any buffered successors.</summary>
    Delivered,

    /// <summary>At or below the cursor, or already buffered: dropped (events are at least once).</summary>
    Repeat,

    /// <summary>Above the next seq: held until the gap below it is filled (by a <c>sync</c>).</summary>
    Buffered,
}

/// <summary>
/// One conversation's ordering and dedupe buffer: the application sees seq cursor+1, cursor+2, … and nothing twice.
/// The server's seq is gap-free, so holding seq n and seeing n+2 proves n+1 exists: it is buffered until a
/// <c>sync</c> (or a late event) brings n+1. Not thread-safe: the realtime client calls it under its lock.
/// </summary>
internal sealed class ConversationStream(string conversationId, long cursor)
{
    private readonly SortedDictionary<long, MessageDto> _ahead = [];

    public string ConversationId { get; } = conversationId;

    /// <summary>The highest seq delivered, contiguous from where tracking started.</summary>
    public long Cursor { get; private set; } = cursor;

    /// <summary>Messages above the cursor are waiting for a missing seq below them.</summary>
    public bool HasGap => _ahead.Count > 0;

    /// <summary>How many messages wait in the buffer.</summary>
    public int Buffered => _ahead.Count;

    /// <summary>Takes one message; appends every message it makes deliverable, in seq order, to <paramref name="ready"/>.</summary>
    public Acceptance Accept(MessageDto message, List<MessageDto> ready)
    {
        if (message.Seq <= Cursor)
            return Acceptance.Repeat;
        if (message.Seq > Cursor + 1)
            return _ahead.TryAdd(message.Seq, message) ? Acceptance.Buffered : Acceptance.Repeat;

        Cursor = message.Seq;
        ready.Add(message);
        while (_ahead.Remove(Cursor + 1, out var next))
        {
            Cursor = next.Seq;
            ready.Add(next);
        }
        return Acceptance.Delivered;
    }

    /// <summary>
    /// Moves the cursor where the application says it is (its persisted position, or 0 for everything). The buffer
    /// is dropped: anything in it above the new cursor is fetched again by the next <c>sync</c>.
    /// </summary>
    public void Reset(long cursor)
    {
        Cursor = cursor;
        _ahead.Clear();
    }
}
