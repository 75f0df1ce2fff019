namespace TokenIM.Client.Realtime;

/// <summary>
/// A socket request could not get its reply: the connection was lost (or not up) before it came, or the client was
/// signed out or disposed. Unlike a send, a <c>sync</c> or <c>ping</c> is not repeated by the client: call it again
/// once <see cref="TokenImRealtimeClient.State"/> is <see cref="ConnectionState.Connected"/>.
/// </summary>
public sealed class TokenImConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was lost.</param>
    public TokenImConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What was lost.</param>
    /// <param name="innerException">The cause.</param>
    public TokenImConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public TokenImConnectionException()
        : base("The connection was lost before the reply arrived.")
    {
    }
}
