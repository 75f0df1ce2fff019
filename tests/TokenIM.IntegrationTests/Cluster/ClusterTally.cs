using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cluster;

/// <summary>
/// The figures of a fault test over many conversations, each checked against its stored history (the truth): an acked
/// send missing from history, or a stored message a member's client never delivered, is lost; a clientMsgId stored
/// twice, or a seq delivered twice, is duplicated; a seq that does not follow the one before (in history or in a
/// client's delivery order) is an order violation; a stored or delivered message nobody sent is unexpected.
/// </summary>
public sealed class ClusterTally
{
    public int Attempted { get; private set; }

    public int Acked { get; private set; }

    public int Stored { get; private set; }

    /// <summary>Stored messages that every member's client delivered.</summary>
    public int Delivered { get; private set; }

    public int Lost { get; private set; }

    public int Duplicated { get; private set; }

    public int OrderViolations { get; private set; }

    public int Unexpected { get; private set; }

    /// <summary>Adds one conversation: what was sent, what was acked, its history, and each member's deliveries in order.</summary>
    public void Add(IReadOnlyCollection<string> attempted, IReadOnlyCollection<string> acked, IReadOnlyList<MessageDto> history,
        IReadOnlyList<IReadOnlyList<MessageDto>> observers)
    {
        var sent = attempted.ToHashSet();
        var storedKeys = history.Select(m => m.ClientMsgId).ToHashSet();
        Attempted += sent.Count;
        Acked += acked.Count;
        Stored += history.Count;
        Lost += acked.Count(key => !storedKeys.Contains(key));
        Duplicated += history.Count - storedKeys.Count;
        Unexpected += storedKeys.Count(key => !sent.Contains(key));
        OrderViolations += Violations(history);

        var storedIds = history.Select(m => m.Id).ToHashSet();
        var seenByAll = storedIds.ToHashSet();
        foreach (var observed in observers)
        {
            var ids = observed.Select(m => m.Id).ToHashSet();
            Lost += history.Count(m => !ids.Contains(m.Id));
            Duplicated += observed.Count - observed.Select(m => m.Seq).Distinct().Count();
            // By set, not by scanning the history per id: a soak's conversation holds tens of thousands of messages.
            Unexpected += ids.Count(id => !storedIds.Contains(id));
            OrderViolations += Violations(observed);
            seenByAll.IntersectWith(ids);
        }
        Delivered += seenByAll.Count;
    }

    public override string ToString() =>
        $"attempted={Attempted} acked={Acked} stored={Stored} delivered={Delivered} lost={Lost} duplicated={Duplicated} " +
        $"order_violations={OrderViolations} unexpected={Unexpected}";

    /// <summary>Prints the figures as one line (console and test output) and asserts that nothing was lost, repeated or reordered.</summary>
    public void Report(string name, string extra = "")
    {
        var line = $"{name}: {this}{extra}";
        Figures.Print(line);
        Assert.True(Lost == 0 && Duplicated == 0 && OrderViolations == 0 && Unexpected == 0, line);
        Assert.True(Acked == Attempted, $"every send is acked in the end: {line}");
    }

    /// <summary>Positions where the seq is not the one before plus one (seqs start at 1).</summary>
    private static int Violations(IReadOnlyList<MessageDto> messages)
    {
        var violations = 0;
        var previous = 0L;
        foreach (var message in messages)
        {
            if (message.Seq != previous + 1)
                violations++;
            previous = message.Seq;
        }
        return violations;
    }
}
