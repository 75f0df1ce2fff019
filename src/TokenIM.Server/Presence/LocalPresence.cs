using TokenIM.Server.Delivery;

namespace TokenIM.Server.Presence;

/// <summary>One node: this node's sockets are all the sockets, so its transitions are the cluster's.</summary>
internal sealed class LocalPresence(ConnectionRegistry registry) : IPresenceRegistry
{
    public ValueTask<bool?> SocketsChangedAsync(string userId, bool online) => ValueTask.FromResult<bool?>(online);

    public ValueTask<IReadOnlyList<string>> OnlineAsync(IReadOnlyList<string> userIds) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. userIds.Where(registry.IsOnline)]);
}
