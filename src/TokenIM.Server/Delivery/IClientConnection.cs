namespace TokenIM.Server.Delivery;

/// <summary>What Delivery needs of a socket: who it is, a non-blocking enqueue into its bounded outbox, and a close.</summary>
internal interface IClientConnection
{
    string Id { get; }

    string UserId { get; }

    string SessionId { get; }

    /// <summary>Queues an encoded frame. Never blocks; when the outbox would overflow, the connection closes itself with 4009 and this returns false.</summary>
    bool TryEnqueue(ReadOnlyMemory<byte> frame);

    /// <summary>Starts closing with <paramref name="code"/>; returns at once.</summary>
    void Close(int code, string reason);
}
