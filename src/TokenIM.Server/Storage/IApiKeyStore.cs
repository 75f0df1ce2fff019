namespace TokenIM.Server.Storage;

/// <summary>The store contract for server API keys; on the directory database, like accounts.</summary>
internal interface IApiKeyStore
{
    Task AddAsync(ApiKeyEntity key, CancellationToken cancellationToken);

    Task<ApiKeyEntity?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every key, revoked ones too, by id (which is time-ordered, so oldest first).</summary>
    Task<IReadOnlyList<ApiKeyEntity>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes the key if it is not yet revoked; false when there is no such key (revoking twice is true).</summary>
    Task<bool> RevokeAsync(string id, long now, CancellationToken cancellationToken);

    /// <summary>Sets the last-used time unless it was set less than <paramref name="minInterval"/> ms before <paramref name="now"/>.</summary>
    Task TouchAsync(string id, long now, long minInterval, CancellationToken cancellationToken);
}
