using System.Collections.Concurrent;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>Creates, lists and revokes server API keys, and checks the key of each server API request.</summary>
internal sealed partial class ApiKeyService(IApiKeyStore store, TimeProvider time, ILogger<ApiKeyService> logger)
{
    /// <summary>Last-used times are written at most this often per key: a busy key must not write on every request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    // When this node last wrote each key's last-used time; the store's own condition covers the other nodes.
    private readonly ConcurrentDictionary<string, long> _touched = new(StringComparer.Ordinal);

    public async Task<Result<CreatedApiKey>> CreateAsync(CreateApiKeyRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = CredentialRules.CleanName(request.Name, 64, string.Empty, out var nameError);
        if (nameError is not null || string.IsNullOrEmpty(name))
            errors["name"] = [nameError ?? "A name is 1–64 characters."];
        var scopes = request.Scopes ?? [];
        var unknown = scopes.Where(s => !ServerScopes.IsKnown(s)).ToList();
        if (scopes.Count == 0 || unknown.Count > 0 || scopes.Distinct(StringComparer.Ordinal).Count() != scopes.Count)
        {
            var problem = unknown.Count > 0 ? $"Unknown scope '{unknown[0]}'. " : scopes.Count == 0 ? "At least one scope is required. " : "A scope is listed twice. ";
            errors["scopes"] = [problem + "The scopes are: " + string.Join(' ', ServerScopes.All) + " (no wildcard)."];
        }

        if (errors.Count > 0)
            return Failure.Validation(errors);

        var (id, token, hash) = ApiKeyToken.Create();
        var key = new ApiKeyEntity
        {
            Id = id,
            Name = name!,
            Scopes = string.Join(' ', ServerScopes.All.Where(scopes.Contains)),
            SecretHash = hash,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await store.AddAsync(key, cancellationToken);
        LogCreated(logger, id, key.Scopes);
        return new CreatedApiKey(ToDto(key), token);
    }

    public async Task<ApiKeyList> ListAsync(CancellationToken cancellationToken) =>
        new([.. (await store.ListAsync(cancellationToken)).Select(ToDto)]);

    public async Task<Outcome> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await store.RevokeAsync(id, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
            return new Failure(ErrorCode.ApiKeyNotFound, "No such API key.");
        LogRevoked(logger, id);
        return Outcome.Ok;
    }

    /// <summary>
    /// The live key a token names, or null (malformed, unknown, revoked, wrong secret: not told apart). Read from the
    /// store on every request, never cached, so a revocation on any node takes effect at once.
    /// </summary>
    public async Task<ApiKeyEntity?> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (!ApiKeyToken.TryParse(token, out var id, out var hash))
            return null;
        var key = await store.FindAsync(id, cancellationToken);
        // Compared even for an unknown id (against itself), so the answer takes as long either way.
        if (!ApiKeyToken.Matches(hash, key?.SecretHash ?? hash) || key is null || key.RevokedAt is not null)
            return null;

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var resolution = (long)LastUsedResolution.TotalMilliseconds;
        var last = _touched.GetOrAdd(id, long.MinValue / 2);
        if (now - last >= resolution && _touched.TryUpdate(id, now, last))
            await store.TouchAsync(id, now, resolution, cancellationToken);
        return key;
    }

    public static IReadOnlyList<string> ScopesOf(ApiKeyEntity key) => key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static ApiKeyDto ToDto(ApiKeyEntity key) => new(
        key.Id,
        key.Name,
        ScopesOf(key),
        DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedAt),
        key.LastUsedAt is { } used ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null,
        key.RevokedAt is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null);

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "API key {KeyId} created with scopes {Scopes}")]
    private static partial void LogCreated(ILogger logger, string keyId, string scopes);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "API key {KeyId} revoked")]
    private static partial void LogRevoked(ILogger logger, string keyId);
}
