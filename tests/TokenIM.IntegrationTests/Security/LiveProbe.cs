using System.Text.Json;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// Two other users on the same server, each with a socket open for the whole test: one sends, the other must receive
/// it. The fuzzing must never disturb them; a round trip between batches proves it.
/// </summary>
internal sealed class LiveProbe : IAsyncDisposable
{
    private readonly RawSocket _sender;
    private readonly RawSocket _receiver;
    private readonly string _conversationId;
    private int _trips;

    private LiveProbe(RawSocket sender, RawSocket receiver, string conversationId)
    {
        _sender = sender;
        _receiver = receiver;
        _conversationId = conversationId;
    }

    public int Succeeded { get; private set; }

    public int Failed { get; private set; }

    public static async Task<LiveProbe> OpenAsync(LiveTokenImFactory factory)
    {
        var (a, b, conversationId) = await factory.PairAsync();
        var sender = await factory.OpenAsync(a);
        var receiver = await factory.OpenAsync(b);
        await GatewayHelpers.SettleAsync(sender, receiver);
        return new LiveProbe(sender, receiver, conversationId);
    }

    /// <summary>One message through the server: acked to the sender, delivered to the receiver. Never throws: a failure is counted.</summary>
    public async Task<bool> RoundTripAsync()
    {
        var trip = ++_trips;
        try
        {
            await _sender.SendAckedAsync(_conversationId, $"probe {trip}", $"probe-{trip}", $"p{trip}");
            JsonElement delivered = (await _receiver.ReceiveOpAsync("message")).GetProperty("message");
            if (delivered.Str("text") == $"probe {trip}")
            {
                Succeeded++;
                return true;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"probe {trip} failed: {e.Message}");
        }

        Failed++;
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}
