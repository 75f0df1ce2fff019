using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>
/// The Jepsen total-queue check over what SDK clients delivered: every acknowledged send must reach every observer
/// exactly once, in seq order without gaps, and nothing may arrive that was never sent.
/// </summary>
public sealed record DeliveryCheck(int Attempted, int Acknowledged, int Delivered, int Lost, int Duplicated, int Unexpected, int OrderViolations)
{
    /// <param name="attempted">The clientMsgId of every send the test made.</param>
    /// <param name="acknowledged">The clientMsgId of every send whose ack (or 2xx) came back.</param>
    /// <param name="observers">Each observer's deliveries of the one conversation, in delivery order.</param>
    /// <param name="startCursor">The seq each observer held before the test's first message.</param>
    public static DeliveryCheck Run(IReadOnlyCollection<string> attempted, IReadOnlyCollection<string> acknowledged,
        IReadOnlyList<IReadOnlyList<MessageDto>> observers, long startCursor = 0)
    {
        var attemptedSet = attempted.ToHashSet();
        int lost = 0, duplicated = 0, unexpected = 0, violations = 0;
        var delivered = int.MaxValue;
        foreach (var observed in observers)
        {
            var distinct = observed.Select(m => m.ClientMsgId).ToHashSet();
            duplicated += observed.Count - observed.Select(m => m.Seq).Distinct().Count();
            unexpected += distinct.Count(id => !attemptedSet.Contains(id));
            lost += acknowledged.Count(id => !distinct.Contains(id));
            delivered = Math.Min(delivered, distinct.Count(attemptedSet.Contains));
            var previous = startCursor;
            foreach (var message in observed)
            {
                if (message.Seq != previous + 1)
                    violations++;
                previous = message.Seq;
            }
        }
        return new DeliveryCheck(attempted.Count, acknowledged.Count, observers.Count == 0 ? 0 : delivered, lost, duplicated, unexpected, violations);
    }

    public override string ToString() =>
        $"attempted={Attempted} acknowledged={Acknowledged} delivered={Delivered} lost={Lost} duplicated={Duplicated} " +
        $"unexpected={Unexpected} order_violations={OrderViolations}";

    /// <summary>Prints the line (test output and console) and asserts the four zeros.</summary>
    public void Report(string test)
    {
        var line = $"{test}: {this}";
        Figures.Print(line);
        Assert.True(Lost == 0 && Duplicated == 0 && Unexpected == 0 && OrderViolations == 0, line);
    }
}
