namespace TokenIM.Client.Realtime;

/// <summary>The store was restored from a backup: the server's epoch differs from the one this client saw before.</summary>
public sealed class StoreResetEventArgs : EventArgs
{
    internal StoreResetEventArgs(string previousEpoch, string epoch)
    {
        PreviousEpoch = previousEpoch;
        Epoch = epoch;
    }

    /// <summary>The epoch the client's cursors belonged to.</summary>
    public string PreviousEpoch { get; }

    /// <summary>The store's epoch now.</summary>
    public string Epoch { get; }
}

public sealed partial class TokenImRealtimeClient
{
    private string? _epoch;

    /// <summary>
    /// The store was restored from a backup (the <c>ready</c> of a new connection named another epoch). The client has
    /// already dropped every conversation's seq and change cursor, so each conversation starts again at its current
    /// <c>lastSeq</c> after this (as at first sight) and messages after it are delivered, seqs given out again
    /// included. Drop every cached message, cursor and list the application kept and load them again over REST.
    /// Raised from the receive loop before the catch-up, so before any message of the restored store.
    /// </summary>
    public event EventHandler<StoreResetEventArgs>? StoreReset;

    /// <summary>The store's epoch from the first <c>ready</c> (null before it, or from a server that sends none).</summary>
    public string? Epoch
    {
        get
        {
            lock (_lock)
                return _epoch;
        }
    }

    /// <summary>
    /// Remembers the first epoch; on a different one, forgets every cursor (they index a history that may have been
    /// replaced) and returns the event to raise outside the lock. Call under the lock.
    /// </summary>
    private StoreResetEventArgs? ObserveEpochLocked(string? epoch)
    {
        if (epoch is null)
            return null; // a server without epochs: nothing to compare
        if (_epoch is null || _epoch == epoch)
        {
            _epoch = epoch;
            return null;
        }
        var reset = new StoreResetEventArgs(_epoch, epoch);
        _epoch = epoch;
        // The fills belong to the ended socket and stop with it; the catch-up that follows this ready starts every
        // conversation afresh at its lastSeq.
        _streams.Clear();
        _fills.Clear();
        _changeCursors.Clear();
        _changeFills.Clear();
        return reset;
    }
}
