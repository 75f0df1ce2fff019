namespace TokenIM.Server.Presence;

/// <summary>
/// Who is online in the whole cluster. A user is online while they hold a socket on any node; the registry turns
/// each node's local transitions (a user's first socket there opened, their last there closed) into the cluster's,
/// so the audience hears one <c>online</c> when the first socket anywhere opens and one <c>offline</c> when the last
/// anywhere closes. In memory on one node (the default), in Redis on several.
/// </summary>
internal interface IPresenceRegistry
{
    /// <summary>
    /// The user's first socket on this node opened (<paramref name="online"/>) or their last here closed. Returns the
    /// change to announce to the user's audience: true (now online anywhere), false (now offline everywhere), or null.
    /// </summary>
    ValueTask<bool?> SocketsChangedAsync(string userId, bool online);

    /// <summary>Those of <paramref name="userIds"/> who are online on any node, in the order given.</summary>
    ValueTask<IReadOnlyList<string>> OnlineAsync(IReadOnlyList<string> userIds);
}
