namespace TokenIM.Server.Storage;

/// <summary>Who blocked whom, on the directory database (blocks are between users, not of a conversation).</summary>
internal interface IBlockStore
{
    /// <summary>Records the block; false when it was there already (nothing changes then).</summary>
    Task<bool> AddBlockAsync(string userId, string blockedUserId, long now, CancellationToken cancellationToken);

    /// <summary>Removes the block; false when there was none.</summary>
    Task<bool> RemoveBlockAsync(string userId, string blockedUserId, CancellationToken cancellationToken);

    /// <summary>The users <paramref name="userId"/> blocked, the most recently blocked first.</summary>
    Task<IReadOnlyList<UserEntity>> ListBlockedUsersAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The ids of the users <paramref name="userId"/> blocked: what the send path's cache holds.</summary>
    Task<IReadOnlyList<string>> BlockedIdsAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>Usernames to ids, for mentions: one read for every name of a text.</summary>
internal interface IUsernameDirectory
{
    /// <summary>The users among <paramref name="usernames"/> (lower case) that exist: id and username.</summary>
    Task<IReadOnlyList<(string Id, string Username)>> FindIdsByUsernamesAsync(IReadOnlyCollection<string> usernames, CancellationToken cancellationToken);
}
