using StackExchange.Redis;

namespace TokenIM.Server.Bus;

/// <summary>
/// The node's one connection to Redis, shared by the bus, presence and rate limits. It starts even while Redis is
/// down and keeps retrying: the node serves its own sockets meanwhile. While it is down, a command fails at once
/// instead of waiting in a backlog, so no caller (the fan-out loop, a send's rate check) waits on Redis.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    public RedisConnection(string configuration, string keyPrefix)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        Multiplexer = ConnectionMultiplexer.Connect(options);
        Keys = new RedisKeys(keyPrefix);
    }

    public ConnectionMultiplexer Multiplexer { get; }

    public RedisKeys Keys { get; }

    /// <summary>This process's id among the nodes: its own bus events are skipped, its sockets are recorded under it.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public IDatabase Database => Multiplexer.GetDatabase();

    public void Dispose() => Multiplexer.Dispose();
}
