namespace TokenIM.Server.Stats;

/// <summary>
/// Running totals of the socket traffic of this node, for the live statistics: one interlocked increment per frame is
/// all they cost the hot path. Rates are made by <see cref="NodeStats"/> from two readings of them.
/// </summary>
internal sealed class NodeCounters
{
    private long _framesIn;
    private long _framesOut;

    /// <summary>Frames read from authenticated sockets since the node started.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>Frames written to sockets since the node started.</summary>
    public long FramesOut => Interlocked.Read(ref _framesOut);

    public void FrameIn() => Interlocked.Increment(ref _framesIn);

    public void FrameOut() => Interlocked.Increment(ref _framesOut);
}
