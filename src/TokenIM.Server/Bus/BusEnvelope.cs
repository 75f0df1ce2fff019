namespace TokenIM.Server.Bus;

/// <summary>What travels on the bus: already-encoded frames for users, or control messages for their sockets.</summary>
internal enum BusEnvelopeKind
{
    /// <summary>Deliver <see cref="BusEnvelope.Frame"/> to every socket of <see cref="BusEnvelope.UserIds"/>.</summary>
    Deliver,

    /// <summary>Close every socket of session <see cref="BusEnvelope.SessionId"/> of user <see cref="BusEnvelope.UserIds"/>[0] with 4001.</summary>
    RevokeSession,
}

/// <summary>
/// One bus message. A frame is encoded once, by the publisher, and the same bytes reach every receiving socket on
/// every node. <see cref="ExceptConnectionId"/> keeps an event from the socket that caused it (it has its answer).
/// </summary>
internal sealed record BusEnvelope(
    BusEnvelopeKind Kind,
    IReadOnlyList<string> UserIds,
    ReadOnlyMemory<byte> Frame,
    string? ExceptConnectionId = null,
    string? SessionId = null)
{
    public static BusEnvelope Deliver(IReadOnlyList<string> userIds, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null) =>
        new(BusEnvelopeKind.Deliver, userIds, frame, exceptConnectionId);

    public static BusEnvelope RevokeSession(string userId, string sessionId) =>
        new(BusEnvelopeKind.RevokeSession, [userId], ReadOnlyMemory<byte>.Empty, SessionId: sessionId);
}
