using System.Collections.Concurrent;

namespace TokenIM.Server.Delivery;

/// <summary>
/// The sockets of this node, by user. Only delivers: it knows nothing of conversations. Registering a user's first
/// socket and removing the last are reported, so presence can follow transitions, never single sockets.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, UserConnections> _byUser = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Sockets on this node.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Users with at least one socket on this node.</summary>
    public int UserCount => _byUser.Count;

    /// <summary>
    /// Adds the socket unless its user is at <paramref name="perUserLimit"/> or the node at <paramref name="nodeLimit"/>.
    /// <paramref name="beforeVisible"/> runs once the limits passed and before any delivery can reach the socket (it
    /// queues <c>ready</c>, which must be the first frame); it must not block.
    /// </summary>
    public RegisterResult TryRegister(IClientConnection connection, int perUserLimit, int nodeLimit, Action? beforeVisible = null)
    {
        if (Interlocked.Increment(ref _count) > nodeLimit)
        {
            Interlocked.Decrement(ref _count);
            return RegisterResult.NodeFull;
        }

        while (true)
        {
            var set = _byUser.GetOrAdd(connection.UserId, _ => new UserConnections());
            lock (set)
            {
                // A set emptied and removed by Unregister is dead: take a fresh one.
                if (set.Removed)
                    continue;
                if (set.Connections.Count >= perUserLimit)
                {
                    Interlocked.Decrement(ref _count);
                    return RegisterResult.UserFull;
                }

                beforeVisible?.Invoke();
                set.Connections.Add(connection);
                return set.Connections.Count == 1 ? RegisterResult.FirstOfUser : RegisterResult.Registered;
            }
        }
    }

    /// <summary>Removes the socket; true when it was the user's last on this node.</summary>
    public bool Unregister(IClientConnection connection)
    {
        if (!_byUser.TryGetValue(connection.UserId, out var set))
            return false;
        lock (set)
        {
            if (!set.Connections.Remove(connection))
                return false;
            Interlocked.Decrement(ref _count);
            if (set.Connections.Count > 0)
                return false;
            set.Removed = true;
            _byUser.TryRemove(new KeyValuePair<string, UserConnections>(connection.UserId, set));
            return true;
        }
    }

    public bool IsOnline(string userId) => _byUser.ContainsKey(userId);

    /// <summary>A snapshot of the users with at least one socket on this node.</summary>
    public IReadOnlyList<string> Users() => [.. _byUser.Keys];

    /// <summary>A snapshot of the user's sockets (empty when none).</summary>
    public IClientConnection[] Get(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var set))
            return [];
        lock (set)
            return [.. set.Connections];
    }

    /// <summary>A snapshot of every socket on this node.</summary>
    public IReadOnlyList<IClientConnection> All()
    {
        var all = new List<IClientConnection>(Count);
        foreach (var set in _byUser.Values)
        {
            lock (set)
                all.AddRange(set.Connections);
        }

        return all;
    }

    private sealed class UserConnections
    {
        public List<IClientConnection> Connections { get; } = new(2);

        public bool Removed { get; set; }
    }
}

internal enum RegisterResult
{
    Registered,
    FirstOfUser,
    UserFull,
    NodeFull,
}
