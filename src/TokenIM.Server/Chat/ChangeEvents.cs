using System.Text.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;
using TokenIM.Server.Bus;

namespace TokenIM.Server.Chat;

/// <summary>The live events of message changes, published on the bus after the change committed (as <see cref="ChatEvents"/> does).</summary>
internal sealed class ChangeEvents(IBus bus)
{
    /// <summary>
    /// A message was edited, recalled or its reactions changed: to every member's every socket, with the message as
    /// everyone sees it (a member who hid it keeps it hidden: the event carries no one's "deleted for me").
    /// </summary>
    public ValueTask ChangedAsync(MessageDto message, IReadOnlyList<string> memberIds) =>
        bus.PublishAsync(BusEnvelope.Deliver(memberIds, JsonSerializer.SerializeToUtf8Bytes(new ChangedEvent(message), ProtocolJsonContext.Wire.ChangedEvent)));

    /// <summary>The user deleted a message for themselves: to their other sockets (all of them when the request came over REST).</summary>
    public ValueTask HiddenAsync(string userId, string conversationId, string messageId, long seq, string? exceptConnectionId) =>
        bus.PublishAsync(BusEnvelope.Deliver(
            [userId], JsonSerializer.SerializeToUtf8Bytes(new HiddenEvent(conversationId, messageId, seq), ProtocolJsonContext.Wire.HiddenEvent), exceptConnectionId));
}
