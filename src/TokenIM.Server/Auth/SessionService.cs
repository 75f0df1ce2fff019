using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Bus;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>
/// Sessions and their token pairs. A session has generations of pairs (refresh token + the access tokens issued
/// with it). Refreshing with the newest pair's refresh token spends it and makes the next generation. Until the
/// newest pair is first used, its parent refresh token may be presented again (a client that lost the reply):
/// that makes a fresh pair and voids the unused one. A spent refresh token presented outside that grace is theft
/// and revokes the session. Access tokens are accepted for the newest generation and its parent.
/// </summary>
internal sealed partial class SessionService(
    IAccountStore store,
    AccessTokens accessTokens,
    IMemoryCache cache,
    IBus bus,
    IOptions<TokenImOptions> options,
    TimeProvider time,
    ILogger<SessionService> logger)
{
    private const int RefreshTokenBytes = 32;
    private const int MaxRefreshAttempts = 5;
    private static readonly TimeSpan s_cacheFor = TimeSpan.FromSeconds(30);

    private readonly bool _sharedAcrossNodes = BusServiceCollectionExtensions.IsRedis(options.Value);

    private TokenSettings Settings => options.Value.Tokens;

    /// <summary>What a disabled account gets where it would have got a token response.</summary>
    public static readonly Failure UserDisabled = new(ErrorCode.UserDisabled, "The account is disabled.");

    /// <summary>
    /// Starts a session for a user who proved who they are (a sign-in, or a token minted through the server API),
    /// unless the account is disabled — also by a disable that ran between the caller's read and the insert: that
    /// disable revoked every session but this new one, so this one is ended too.
    /// </summary>
    public async Task<Result<TokenResponse>> StartUnlessDisabledAsync(UserEntity user, string deviceName, string? address, CancellationToken cancellationToken)
    {
        if (user.DisabledAt is not null)
            return UserDisabled;
        var tokens = await StartAsync(user, deviceName, address, cancellationToken);
        if ((await store.FindUserAsync(user.Id, cancellationToken))?.DisabledAt is null)
            return tokens;
        await RevokeAsync(user.Id, tokens.SessionId, cancellationToken);
        return UserDisabled;
    }

    /// <summary>Starts a session for a user who just proved who they are.</summary>
    public async Task<TokenResponse> StartAsync(UserEntity user, string deviceName, string? address, CancellationToken cancellationToken)
    {
        var (session, refreshRow, refreshToken) = NewSession(user.Id, deviceName, address);
        await store.CreateSessionAsync(session, refreshRow, cancellationToken);
        return Respond(user, session, refreshToken);
    }

    /// <summary>The entities of a new session, for callers that store it with something else (registration).</summary>
    public (SessionEntity Session, RefreshTokenEntity RefreshRow, string RefreshToken) NewSession(string userId, string deviceName, string? address)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var session = new SessionEntity
        {
            Id = Guid.CreateVersion7().ToString("N"),
            UserId = userId,
            DeviceName = deviceName,
            Address = address,
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + (long)Settings.SessionLifetime.TotalMilliseconds,
            Generation = 1,
        };
        var (token, row) = NewRefreshToken(session.Id, 1, now);
        return (session, row, token);
    }

    public TokenResponse Respond(UserEntity user, SessionEntity session, string refreshToken) => new(
        AccountService.ToDto(user),
        accessTokens.Issue(user.Id, session.Id, session.Generation),
        refreshToken,
        (int)accessTokens.Lifetime.TotalSeconds,
        session.Id);

    public async Task<Result<TokenResponse>> RefreshAsync(string? refreshToken, string? address, CancellationToken cancellationToken)
    {
        var invalid = new Failure(ErrorCode.InvalidRefreshToken, "The refresh token is not valid; sign in again.");
        if (TryHash(refreshToken) is not { } hash)
            return invalid;

        for (var attempt = 0; attempt < MaxRefreshAttempts; attempt++)
        {
            if (await store.FindRefreshTokenAsync(hash, cancellationToken) is not var (row, session))
                return invalid;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (!IsAlive(session, now) || now - session.LastUsedAt >= (long)Settings.SessionIdleLifetime.TotalMilliseconds)
                return invalid;

            var expectedVersion = session.Version;
            RefreshTokenEntity? spent = null;
            if (row.SpentAt is null && row.Generation == session.Generation)
            {
                // The normal rotation: the newest pair's refresh token buys the next pair.
                row.SpentAt = now;
                spent = row;
                session.ParentGeneration = row.Generation;
            }
            else if (row.SpentAt is not null && row.Generation == session.ParentGeneration && !session.CurrentUsed)
            {
                // The grace retry: the reply to the first refresh was lost; the unused pair it made becomes void.
            }
            else if (row.SpentAt is not null)
            {
                LogRefreshReuse(logger, session.UserId, session.Id);
                await RevokeAsync(session.UserId, session.Id, cancellationToken);
                return invalid;
            }
            else
            {
                // A pair that a grace retry replaced before it was ever used: refused, but not theft.
                return invalid;
            }

            session.Generation++;
            session.CurrentUsed = false;
            session.LastUsedAt = now;
            session.Address = address;
            session.Version++;
            var (token, added) = NewRefreshToken(session.Id, session.Generation, now);
            if (!await store.TryUpdateSessionAsync(session, expectedVersion, spent, added, cancellationToken))
                continue; // a parallel refresh won; decide again against what it wrote
            cache.Remove(session.Id);
            var user = await store.FindUserAsync(session.UserId, cancellationToken);
            if (user?.DisabledAt is not null)
                return UserDisabled;
            return user is null ? invalid : Respond(user, session, token);
        }

        return invalid;
    }

    /// <summary>
    /// Checks the session behind a valid access token: alive, and the token's pair not void. On one node the session
    /// is cached briefly and every change invalidates it at once. With several nodes it is read every time: another
    /// node's revocation reaches this cache over the bus a few milliseconds after its 204, and a request in between
    /// would still pass, where the protocol says a revoked session is refused at once (RevocationReachTests found it).
    /// </summary>
    public async Task<Failure?> CheckAsync(AccessTokenClaims claims, CancellationToken cancellationToken)
    {
        // A token newer than the cached session was refreshed on another node: the cache is stale, read again.
        if (_sharedAcrossNodes || !cache.TryGetValue(claims.SessionId, out SessionEntity? session) || (session is not null && claims.Generation > session.Generation))
        {
            session = await store.FindSessionAsync(claims.SessionId, cancellationToken);
            if (!_sharedAcrossNodes)
                cache.Set(claims.SessionId, session, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = s_cacheFor, Size = 1 });
        }

        if (session is not null && session.UserId != claims.UserId)
            return new Failure(ErrorCode.InvalidToken, "The access token does not match its session.");
        if (session is null || !IsAlive(session, time.GetUtcNow().ToUnixTimeMilliseconds()))
            return new Failure(ErrorCode.SessionRevoked, "The session has ended; sign in again.");
        if (claims.Generation != session.Generation && (claims.Generation != session.ParentGeneration || session.ParentGeneration == 0))
            return new Failure(ErrorCode.InvalidToken, "The access token belongs to a replaced token pair.");
        if (claims.Generation == session.Generation && !session.CurrentUsed)
        {
            // First use of the newest pair: from now on its parent refresh token is spent for good.
            await store.MarkGenerationUsedAsync(session.Id, session.Generation, cancellationToken);
            cache.Remove(session.Id);
        }

        return null;
    }

    public async Task<IReadOnlyList<SessionDto>> ListAsync(string userId, string currentSessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var idle = (long)Settings.SessionIdleLifetime.TotalMilliseconds;
        var sessions = await store.ListActiveSessionsAsync(userId, now, cancellationToken);
        return [.. sessions.Where(s => now - s.LastUsedAt < idle).Select(s => new SessionDto(
            s.Id,
            s.DeviceName,
            DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(s.LastUsedAt),
            s.Id == currentSessionId,
            s.Address))];
    }

    public async Task<Outcome> RevokeAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeSessionAsync(userId, sessionId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        cache.Remove(sessionId);
        if (!revoked)
            return new Failure(ErrorCode.SessionNotFound, "No such session.");
        LogSessionRevoked(logger, userId, sessionId);
        await bus.PublishAsync(BusEnvelope.RevokeSession(userId, sessionId), CancellationToken.None);
        return Outcome.Ok;
    }

    /// <summary>Ends every session of the user but <paramref name="exceptSessionId"/> (password change, sign out everywhere).</summary>
    public async Task RevokeAllAsync(string userId, string? exceptSessionId, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeAllSessionsAsync(userId, exceptSessionId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        foreach (var sessionId in revoked)
        {
            cache.Remove(sessionId);
            LogSessionRevoked(logger, userId, sessionId);
            await bus.PublishAsync(BusEnvelope.RevokeSession(userId, sessionId), CancellationToken.None);
        }
    }

    /// <summary>
    /// Signs the user out of every external issuer's token issued up to now and closes the sockets opened with one
    /// (their session id is <see cref="AccessTokenClaims.ExternalSessionId"/>, which the revocation broadcast matches).
    /// The mark goes first, so a socket reopened with an old token in between is refused.
    /// </summary>
    public async Task RevokeExternalTokensAsync(string userId, CancellationToken cancellationToken)
    {
        await store.SetTokensValidAfterAsync(userId, time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);
        await bus.PublishAsync(BusEnvelope.RevokeSession(userId, AccessTokenClaims.ExternalSessionId), CancellationToken.None);
    }

    private static bool IsAlive(SessionEntity session, long now) => session.RevokedAt is null && now < session.ExpiresAt;

    private static (string Token, RefreshTokenEntity Row) NewRefreshToken(string sessionId, int generation, long now)
    {
        var bytes = RandomNumberGenerator.GetBytes(RefreshTokenBytes);
        var row = new RefreshTokenEntity { Hash = SHA256.HashData(bytes), SessionId = sessionId, Generation = generation, CreatedAt = now };
        return (Base64Url.EncodeToString(bytes), row);
    }

    private static byte[]? TryHash(string? token)
    {
        // 32 bytes are exactly 43 base64url characters; anything else was never issued.
        if (token is not { Length: 43 })
            return null;
        Span<byte> bytes = stackalloc byte[RefreshTokenBytes + 2];
        return Base64Url.IsValid(token) && Base64Url.TryDecodeFromChars(token, bytes, out var written) && written == RefreshTokenBytes
            ? SHA256.HashData(bytes[..written])
            : null;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Session {SessionId} of user {UserId} revoked")]
    private static partial void LogSessionRevoked(ILogger logger, string userId, string sessionId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Spent refresh token presented again for session {SessionId} of user {UserId}: session revoked")]
    private static partial void LogRefreshReuse(ILogger logger, string userId, string sessionId);
}
