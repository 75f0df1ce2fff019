namespace TokenIM.Server.Bus;

/// <summary>What travels on the bus: already-encoded frames for users, or control messages for their sockets.</summary>
internal enum BusEnvelopeKind
{
    /// <summary>Deliver <see cref="BusEnvelope.Frame"/> to every socket of <see cref="BusEnvelope.UserIds"/>.</summary>
    Deliver,

    /// <summary>
    /// Close every socket of session <see cref="BusEnvelope.SessionId"/> of user <see cref="BusEnvelope.UserIds"/>[0] with
    /// 4001, and forget the session wherever it is cached.
    /// </summary>
    RevokeSession,

    /// <summary>
    /// The members of <see cref="BusEnvelope.ConversationId"/> changed: every node drops its cached roster of it and the
    /// cached presence audiences of <see cref="BusEnvelope.UserIds"/> (everyone who was or is a member).
    /// </summary>
    MembershipChanged,

    /// <summary>A webhook endpoint was created, changed or deleted: every node re-reads the endpoint list.</summary>
    WebhooksChanged,

    /// <summary>A node made a signing key in the shared key folder: every node reads the folder again and signs with it.</summary>
    SigningKeysChanged,

    /// <summary>User <see cref="BusEnvelope.UserIds"/>[0] blocked or unblocked someone: every node drops its cached block list.</summary>
    BlocksChanged,
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
    string? SessionId = null,
    string? ConversationId = null)
{
    public static BusEnvelope Deliver(IReadOnlyList<string> userIds, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null) =>
        new(BusEnvelopeKind.Deliver, userIds, frame, exceptConnectionId);

    public static BusEnvelope RevokeSession(string userId, string sessionId) =>
        new(BusEnvelopeKind.RevokeSession, [userId], ReadOnlyMemory<byte>.Empty, SessionId: sessionId);

    public static BusEnvelope MembershipChanged(string conversationId, IReadOnlyList<string> userIds) =>
        new(BusEnvelopeKind.MembershipChanged, userIds, ReadOnlyMemory<byte>.Empty, ConversationId: conversationId);

    public static BusEnvelope WebhooksChanged() => new(BusEnvelopeKind.WebhooksChanged, [], ReadOnlyMemory<byte>.Empty);
    public static BusEnvelope SigningKeysChanged() => new(BusEnvelopeKind.SigningKeysChanged, [], ReadOnlyMemory<byte>.Empty);

    public static BusEnvelope BlocksChanged(string userId) => new(BusEnvelopeKind.BlocksChanged, [userId], ReadOnlyMemory<byte>.Empty);
}
