namespace TokenIM.Protocol.Rest;

/// <summary>
/// The server process's figures at one moment (<c>GET /api/v1/diagnostics</c>, loopback only, off unless
/// <c>TokenIM:Diagnostics:Enabled</c>). The benchmark tool subtracts two of them to get memory per socket and CPU per message.
/// </summary>
/// <param name="ManagedHeapBytes">Bytes of live managed objects; after a full, compacting collection when one was asked for.</param>
/// <param name="WorkingSetBytes">The process's resident memory.</param>
/// <param name="PrivateBytes">The process's private (not shared) memory.</param>
/// <param name="CpuTimeMs">Processor time the process has used since it started, all threads, in milliseconds.</param>
/// <param name="Gen0Collections">Garbage collections of generation 0 so far.</param>
/// <param name="Gen1Collections">Garbage collections of generation 1 so far.</param>
/// <param name="Gen2Collections">Garbage collections of generation 2 so far.</param>
/// <param name="Sockets">Authenticated sockets on this node.</param>
/// <param name="OnlineUsers">Users with at least one socket on this node.</param>
public sealed record DiagnosticsDto(
    long ManagedHeapBytes,
    long WorkingSetBytes,
    long PrivateBytes,
    double CpuTimeMs,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    int Sockets,
    int OnlineUsers);
