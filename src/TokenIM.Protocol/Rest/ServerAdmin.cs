namespace TokenIM.Protocol.Rest;

// The server API's administration routes (/api/v1/server/signing-keys, …/users/{id}/sessions, …/users?query=, …/stats):
// what `tokenim admin` and an admin console call.

/// <summary>A signing key of the access tokens, without private material.</summary>
/// <param name="Kid">The <c>kid</c> in the header of the tokens it signs, and in the JWKS.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Current">Whether it signs new tokens now. Exactly one key is current.</param>
/// <param name="SupersededAt">When a newer key took over signing; absent for the current key.</param>
/// <param name="RetiresAt">When every token it signed has expired; the hourly housekeeping moves it out of the JWKS after that. Absent for the current key.</param>
public sealed record SigningKeyDto(string Kid, DateTimeOffset CreatedAt, bool Current, DateTimeOffset? SupersededAt, DateTimeOffset? RetiresAt);

/// <summary>Answer to <c>GET /api/v1/server/signing-keys</c> and <c>POST …/rotate</c>: every published key, oldest first.</summary>
/// <param name="Keys">The keys; the last one is current.</param>
public sealed record SigningKeyList(IReadOnlyList<SigningKeyDto> Keys);

/// <summary>Answer to <c>GET /api/v1/server/users?query=…&amp;limit=…&amp;cursor=…</c>: one page of users, by username.</summary>
/// <param name="Users">The users of this page; disabled ones and bots are marked in each.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> for the next page; absent on the last page.</param>
public sealed record ServerUserPage(IReadOnlyList<ServerUserDto> Users, string? NextCursor);

/// <summary>One node's live figures (<c>GET /api/v1/server/stats</c>). Rates are over about the last 10 seconds.</summary>
/// <param name="NodeId">The node's id (its id on the Redis bus in a cluster); new at every start.</param>
/// <param name="Host">The machine (or container) name.</param>
/// <param name="Version">The server's version.</param>
/// <param name="StartedAt">When the process started serving.</param>
/// <param name="UptimeSeconds">Seconds since <paramref name="StartedAt"/>.</param>
/// <param name="SampledAt">When these figures were taken; another node's are at most 2 seconds old.</param>
/// <param name="OpenSockets">WebSockets open on the node, authenticated or not.</param>
/// <param name="AuthenticatedSockets">Authenticated WebSockets on the node.</param>
/// <param name="ConnectedUsers">Users with at least one authenticated socket on the node.</param>
/// <param name="MessagesPerSecond">Messages stored per second.</param>
/// <param name="FramesInPerSecond">Frames read from sockets per second.</param>
/// <param name="FramesOutPerSecond">Frames written to sockets per second.</param>
/// <param name="MessagesStored">Messages stored by this node since it started.</param>
/// <param name="GroupCommitBatches">Store transactions of the group commit since the node started (each holds one or more sends).</param>
/// <param name="BatchesPerSecond">Store transactions per second.</param>
/// <param name="StoreLatencyMs">Mean time of a group-commit transaction in the window; absent when none ran.</param>
/// <param name="GcHeapBytes">Bytes of the managed heap in use.</param>
/// <param name="WorkingSetBytes">The process's resident memory.</param>
/// <param name="ThreadPoolThreads">Threads in the thread pool.</param>
/// <param name="ThreadPoolQueueLength">Work items waiting for a thread-pool thread: a steadily growing number means the node is overloaded.</param>
public sealed record NodeStatsDto(
    string NodeId,
    string Host,
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    DateTimeOffset SampledAt,
    int OpenSockets,
    int AuthenticatedSockets,
    int ConnectedUsers,
    double MessagesPerSecond,
    double FramesInPerSecond,
    double FramesOutPerSecond,
    long MessagesStored,
    long GroupCommitBatches,
    double BatchesPerSecond,
    double? StoreLatencyMs,
    long GcHeapBytes,
    long WorkingSetBytes,
    int ThreadPoolThreads,
    long ThreadPoolQueueLength);

/// <summary>The sums over every live node.</summary>
/// <param name="Nodes">Live nodes: those that published figures within the last 6 seconds.</param>
/// <param name="OpenSockets">WebSockets open, authenticated or not.</param>
/// <param name="AuthenticatedSockets">Authenticated WebSockets.</param>
/// <param name="ConnectedUsers">The nodes' connected users added up: a user with sockets on two nodes counts twice.</param>
/// <param name="MessagesPerSecond">Messages stored per second.</param>
/// <param name="FramesInPerSecond">Frames read from sockets per second.</param>
/// <param name="FramesOutPerSecond">Frames written to sockets per second.</param>
/// <param name="MessagesStored">Messages stored since each node started.</param>
/// <param name="GroupCommitBatches">Group-commit transactions since each node started.</param>
/// <param name="GcHeapBytes">Managed heap in use.</param>
public sealed record StatsTotalDto(
    int Nodes,
    int OpenSockets,
    int AuthenticatedSockets,
    int ConnectedUsers,
    double MessagesPerSecond,
    double FramesInPerSecond,
    double FramesOutPerSecond,
    long MessagesStored,
    long GroupCommitBatches,
    long GcHeapBytes);

/// <summary>Answer to <c>GET /api/v1/server/stats</c>: every live node of the cluster (one on a single node) and the totals.</summary>
/// <param name="At">When the answering node took its own figures.</param>
/// <param name="Total">The sums over <paramref name="Nodes"/>.</param>
/// <param name="Nodes">Each live node, by node id.</param>
public sealed record ServerStatsDto(DateTimeOffset At, StatsTotalDto Total, IReadOnlyList<NodeStatsDto> Nodes);
