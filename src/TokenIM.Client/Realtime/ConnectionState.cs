namespace TokenIM.Client.Realtime;

/// <summary>Where a <see cref="TokenImRealtimeClient"/> stands.</summary>
public enum ConnectionState
{
    /// <summary>Created; <see cref="TokenImRealtimeClient.ConnectAsync"/> has not been called.</summary>
    Disconnected,

    /// <summary>Opening a socket and waiting for <c>ready</c> (the first time or after a loss).</summary>
    Connecting,

    /// <summary><c>ready</c> arrived and every tracked conversation is caught up; sends go out at once.</summary>
    Connected,

    /// <summary>The socket was lost or refused; waiting the back-off delay before the next attempt. Sends are kept and resent.</summary>
    Reconnecting,

    /// <summary>The session ended (refresh answered <c>invalid_refresh_token</c>, or the application signed out). Final: sign in and make a new client.</summary>
    SignedOut,

    /// <summary>Disposed. Final.</summary>
    Closed,
}

/// <summary>A change of <see cref="TokenImRealtimeClient.State"/>.</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    internal ConnectionStateChangedEventArgs(ConnectionState state, int? closeStatus, string? closeDescription, TimeSpan? retryIn, Exception? error)
    {
        State = state;
        CloseStatus = closeStatus;
        CloseDescription = closeDescription;
        RetryIn = retryIn;
        Error = error;
    }

    /// <summary>The new state.</summary>
    public ConnectionState State { get; }

    /// <summary>
    /// With <see cref="ConnectionState.Reconnecting"/>: the close code of the lost socket (for example 1001, 4001, 4008,
    /// 4009, see <see cref="Protocol.CloseCodes"/>), or null when it was cut without a close frame or never opened.
    /// </summary>
    public int? CloseStatus { get; }

    /// <summary>The reason the server gave with <see cref="CloseStatus"/>, for logs.</summary>
    public string? CloseDescription { get; }

    /// <summary>With <see cref="ConnectionState.Reconnecting"/>: the back-off delay before the next attempt.</summary>
    public TimeSpan? RetryIn { get; }

    /// <summary>The failure behind the change, when there was one (network error, refused upgrade, timeout), for logs.</summary>
    public Exception? Error { get; }
}
