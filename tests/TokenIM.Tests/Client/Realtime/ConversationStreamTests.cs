using TokenIM.Client.Realtime;
using TokenIM.Protocol.Rest;

namespace TokenIM.Tests.Client.Realtime;

public sealed class ConversationStreamTests
{
    private static MessageDto Message(long seq) =>
        new($"m{seq}", "c1", seq, "u1", $"k{seq}", $"text {seq}", DateTimeOffset.UnixEpoch);

    private static List<long> Feed(ConversationStream stream, params long[] seqs)
    {
        var ready = new List<MessageDto>();
        foreach (var seq in seqs)
            stream.Accept(Message(seq), ready);
        return ready.ConvertAll(m => m.Seq);
    }

    [Fact]
    public void Accept_InOrder_DeliversEachAtOnce()
    {
        var stream = new ConversationStream("c1", 0);

        Assert.Equal([1, 2, 3], Feed(stream, 1, 2, 3));
        Assert.Equal(3, stream.Cursor);
        Assert.False(stream.HasGap);
    }

    [Fact]
    public void Accept_AtOrBelowCursor_IsARepeat()
    {
        var stream = new ConversationStream("c1", 5);
        var ready = new List<MessageDto>();

        Assert.Equal(Acceptance.Repeat, stream.Accept(Message(5), ready));
        Assert.Equal(Acceptance.Repeat, stream.Accept(Message(2), ready));
        Assert.Empty(ready);
        Assert.Equal(5, stream.Cursor);
    }

    [Fact]
    public void Accept_Gap_BuffersUntilTheMissingSeqArrives()
    {
        var stream = new ConversationStream("c1", 1);
        var ready = new List<MessageDto>();

        Assert.Equal(Acceptance.Buffered, stream.Accept(Message(3), ready));
        Assert.Equal(Acceptance.Buffered, stream.Accept(Message(4), ready));
        Assert.Empty(ready);
        Assert.True(stream.HasGap);

        Assert.Equal(Acceptance.Delivered, stream.Accept(Message(2), ready));
        Assert.Equal([2, 3, 4], ready.ConvertAll(m => m.Seq));
        Assert.Equal(4, stream.Cursor);
        Assert.False(stream.HasGap);
    }

    [Fact]
    public void Accept_BufferedTwice_IsARepeat()
    {
        var stream = new ConversationStream("c1", 0);
        var ready = new List<MessageDto>();

        Assert.Equal(Acceptance.Buffered, stream.Accept(Message(3), ready));
        Assert.Equal(Acceptance.Repeat, stream.Accept(Message(3), ready));
        Assert.Equal(1, stream.Buffered);
    }

    [Fact]
    public void Accept_OutOfOrderFill_DeliversTheLongestRunInOrder()
    {
        var stream = new ConversationStream("c1", 1);

        Assert.Equal([2, 3, 4, 5], Feed(stream, 5, 3, 4, 2, 7));
        Assert.Equal(5, stream.Cursor);
        Assert.Equal(1, stream.Buffered);
        Assert.Equal([6, 7], Feed(stream, 6));
    }

    [Fact]
    public void Accept_ShuffledWithRepeats_DeliversEverySeqOnceInOrder()
    {
        var random = new Random(1234);
        var seqs = Enumerable.Range(1, 500).Select(n => (long)n).ToList();
        seqs.AddRange(seqs.Where(_ => random.Next(4) == 0).ToList());
        var shuffled = seqs.OrderBy(_ => random.Next()).ToArray();
        var stream = new ConversationStream("c1", 0);

        var delivered = Feed(stream, shuffled);

        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), delivered);
        Assert.False(stream.HasGap);
    }

    [Fact]
    public void Reset_MovesTheCursorAndDropsTheBuffer()
    {
        var stream = new ConversationStream("c1", 0);
        Feed(stream, 1, 3, 4);

        stream.Reset(10);

        Assert.Equal(10, stream.Cursor);
        Assert.False(stream.HasGap);
        Assert.Empty(Feed(stream, 4, 10));
        Assert.Equal([11], Feed(stream, 11));
    }
}
