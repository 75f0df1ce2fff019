namespace TokenIM.Server.Storage;

// Times are Unix milliseconds (UTC): sortable on every provider (SQLite cannot order DateTimeOffset).

internal sealed class UserEntity
{
    public required string Id { get; init; }

    /// <summary>Lower case; unique.</summary>
    public required string Username { get; init; }

    public required string DisplayName { get; set; }

    /// <summary>Self-describing: algorithm, parameters, salt and hash (see PasswordHasher). Empty for a user made by the server API without a password: no password matches it.</summary>
    public required string PasswordHash { get; set; }

    public long CreatedAt { get; init; }

    /// <summary>The app's own id of the user (server API); unique when set.</summary>
    public string? ExternalId { get; set; }

    /// <summary>When the server API disabled the user: sign-in, refresh and minted tokens are refused.</summary>
    public long? DisabledAt { get; set; }

    /// <summary>A bot user (reserved for the bots of the server API).</summary>
    public bool IsBot { get; init; }

    /// <summary>
    /// An operator of this installation: the admin console in the web client, and the server API with a user's own
    /// access token (see ServerScopes.Console). Set only through the server API or the local admin socket.
    /// </summary>
    public bool IsAdmin { get; set; }

    /// <summary>
    /// Unix seconds of the last sign-out everywhere (or disable): external issuers' tokens with an <c>iat</c> at or
    /// before it are refused. TokenIM's own tokens need no such mark: their sessions are revoked.
    /// </summary>
    public long? TokensValidAfter { get; set; }
}

/// <summary>A server API key. The token is <c>tim_{Id}_{secret}</c>; only the secret's SHA-256 is stored.</summary>
internal sealed class ApiKeyEntity
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Space-separated scopes (see ServerScopes).</summary>
    public required string Scopes { get; init; }

    /// <summary>SHA-256 of the secret's bytes; the secret itself is never stored.</summary>
    public required byte[] SecretHash { get; init; }

    public long CreatedAt { get; init; }

    /// <summary>Written at most once a minute per key, so a busy key does not write on every request.</summary>
    public long? LastUsedAt { get; set; }

    public long? RevokedAt { get; set; }
}

internal sealed class SessionEntity
{
    public required string Id { get; init; }

    public required string UserId { get; init; }

    public required string DeviceName { get; init; }

    public string? Address { get; set; }

    public long CreatedAt { get; init; }

    public long LastUsedAt { get; set; }

    /// <summary>Absolute end: sign-in time plus the session lifetime.</summary>
    public long ExpiresAt { get; init; }

    public long? RevokedAt { get; set; }

    /// <summary>The generation of the newest token pair (refresh token and its access tokens).</summary>
    public int Generation { get; set; }

    /// <summary>The generation whose refresh token produced the newest pair; its access tokens stay valid, and its refresh token may be retried while the newest pair is unused.</summary>
    public int ParentGeneration { get; set; }

    /// <summary>Whether the newest pair has been used (its refresh token presented or an access token accepted).</summary>
    public bool CurrentUsed { get; set; }

    /// <summary>Optimistic concurrency token: parallel refreshes of one session serialize on it.</summary>
    public int Version { get; set; }
}

internal sealed class RefreshTokenEntity
{
    /// <summary>SHA-256 of the token; the token itself is never stored.</summary>
    public required byte[] Hash { get; init; }

    public required string SessionId { get; init; }

    public int Generation { get; init; }

    public long CreatedAt { get; init; }

    /// <summary>When it was exchanged for a new pair; presenting it again after the grace period is theft.</summary>
    public long? SpentAt { get; set; }
}

internal sealed class ConversationEntity
{
    public required string Id { get; init; }

    /// <summary><c>direct</c> or <c>group</c>.</summary>
    public required string Type { get; init; }

    public string? Title { get; set; }

    /// <summary>For direct conversations, the two user ids in ordinal order joined by <c>:</c>; unique, so a pair has one.</summary>
    public string? DirectKey { get; init; }

    public long LastSeq { get; set; }

    public long CreatedAt { get; init; }

    /// <summary>Last activity; the conversation list's sort key.</summary>
    public long UpdatedAt { get; set; }

    public int MemberCount { get; set; }

    /// <summary>
    /// The change counter: +1 for every edit, recall and reaction change of one of its messages, gap-free from 1 (0:
    /// none yet). Beside <see cref="LastSeq"/>, so seq stays the position of messages only.
    /// </summary>
    public long LastChangeSeq { get; set; }
}

internal sealed class MemberEntity
{
    public required string ConversationId { get; init; }

    public required string UserId { get; init; }

    /// <summary><c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
    public required string Role { get; set; }

    public long ReadSeq { get; set; }

    public long JoinedAt { get; init; }

    /// <summary>The member's own setting: no notifications (unread still counted).</summary>
    public bool Muted { get; set; }

    /// <summary>The member's own setting: when they pinned it (the list shows pinned ones first, newest pin first); null when not pinned.</summary>
    public long? PinnedAt { get; set; }

    /// <summary>The member's own setting: when they archived it; null when not archived.</summary>
    public long? ArchivedAt { get; set; }
}

internal sealed class MessageEntity
{
    public required string Id { get; init; }

    public required string ConversationId { get; init; }

    public long Seq { get; init; }

    public required string SenderId { get; init; }

    public required string ClientMsgId { get; init; }

    /// <summary>The current text: edits replace it; a recall empties it.</summary>
    public required string Text { get; set; }

    public long CreatedAt { get; init; }

    /// <summary>The conversation's <see cref="ConversationEntity.LastChangeSeq"/> at this message's latest change; 0 while it never changed.</summary>
    public long ChangeSeq { get; set; }

    public long? EditedAt { get; set; }

    /// <summary>Set when recalled (a tombstone: text emptied, attachment, reply and mentions dropped, reactions deleted).</summary>
    public long? RecalledAt { get; set; }

    public string? RecalledBy { get; set; }

    /// <summary>The seq of the quoted message of the same conversation.</summary>
    public long? ReplyToSeq { get; set; }

    /// <summary>The original's sender, when forwarded.</summary>
    public string? ForwardedFromSenderId { get; init; }

    /// <summary>The original's creation time (Unix ms), when forwarded.</summary>
    public long? ForwardedFromCreatedAt { get; init; }

    /// <summary>Mentioned member ids, space-separated, in order of first mention; <see cref="MentionAll"/> first when <c>@all</c> was used. Null when none.</summary>
    public string? Mentions { get; set; }

    /// <summary>An <see cref="AttachmentEntity"/> of the same conversation.</summary>
    public string? AttachmentId { get; set; }

    /// <summary>The token that stands for <c>@all</c> in <see cref="Mentions"/>: never a user id (ids have no <c>*</c>).</summary>
    public const string MentionAll = "*";
}

/// <summary>
/// One row per membership, on the user's home shard (the shard their id hashes to): which conversations, and so
/// which shards, a user's conversation list and presence audience must ask. A superset of the memberships: written
/// before a membership is created and deleted after it is removed, so a crash between the two databases leaves an
/// extra row (ignored: the shard finds no membership), never a missing one.
/// </summary>
internal sealed class UserConversationEntity
{
    public required string UserId { get; init; }

    public required string ConversationId { get; init; }
}

/// <summary>
/// Facts about the store as a whole, one row per key, on the directory database (the one SQLite file). Holds the
/// store's <see cref="StoreMeta.EpochKey"/>: the value clients compare to know their seq cursors still hold.
/// </summary>
internal sealed class StoreMetaEntity
{
    public required string Key { get; init; }

    public required string Value { get; set; }
}

internal static class StoreMeta
{
    /// <summary>
    /// The store's epoch: made at the first migration and replaced by every restore. A client that sees it change
    /// (in <c>ready</c>) drops its cursors and reloads, because seqs after the backup may be given out again.
    /// </summary>
    public const string EpochKey = "epoch";
}
