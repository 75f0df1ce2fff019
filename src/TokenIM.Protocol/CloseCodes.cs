namespace TokenIM.Protocol;

/// <summary>WebSocket close codes of the <c>tokenim.v1</c> subprotocol. Every close is followed by a clean reconnect path.</summary>
public static class CloseCodes
{
    /// <summary>The server is shutting down: reconnect (to any node) after a short random delay.</summary>
    public const int ServerShutdown = 1001;

    /// <summary>A malformed frame or a protocol violation: a client bug; reconnect, then fix the frame.</summary>
    public const int ProtocolViolation = 4000;

    /// <summary>Unauthenticated, or the token expired or its session was revoked: refresh or sign in, then reconnect.</summary>
    public const int Unauthenticated = 4001;

    /// <summary>A rate limit was exceeded: reconnect after a back-off.</summary>
    public const int RateLimited = 4008;

    /// <summary>The client read too slowly and its send queue overflowed: reconnect and resync by seq.</summary>
    public const int SlowReader = 4009;
}
