using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>
/// What the server API does to users: create them (with the app's own id, with or without a password), update,
/// disable and enable them, mint their tokens and sign them out everywhere.
/// </summary>
internal sealed partial class ServerUserService(
    IAccountStore store,
    PasswordHasher hasher,
    SessionService sessions,
    TimeProvider time,
    ILogger<ServerUserService> logger)
{
    public const int ExternalIdMaxLength = 128;
    private const string MintedDeviceName = "server api";

    public static readonly Failure NotFound = new(ErrorCode.UserNotFound, "No such user.");
    private static readonly Failure s_externalIdTaken = new(ErrorCode.ExternalIdTaken, "Another user has this external id.");
    private static readonly Failure s_usernameTaken = new(ErrorCode.UsernameTaken, "The username is already taken.");

    public async Task<Result<ServerUserDto>> CreateAsync(ServerCreateUserRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var username = CredentialRules.NormalizeUsername(request.Username, out var usernameError);
        if (usernameError is not null)
            errors["username"] = [usernameError];
        var displayName = CredentialRules.CleanName(request.DisplayName, CredentialRules.DisplayNameMaxLength, username ?? string.Empty, out var nameError);
        if (nameError is not null)
            errors["displayName"] = [nameError];
        if (request.ExternalId is not null && CheckExternalId(request.ExternalId) is { } externalIdError)
            errors["externalId"] = [externalIdError];
        var isBot = request.IsBot == true;
        if (isBot && request.Password is not null)
            errors["password"] = ["A bot has no password: it acts through the server API or a minted token."];
        else if (request.Password is not null && CredentialRules.CheckPassword(request.Password, username) is { } passwordError)
            errors["password"] = [passwordError];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        // Cheap checks first, so a conflict costs no hashing; the unique indexes still decide a race.
        if (await ConflictAsync(username!, request.ExternalId, cancellationToken) is { } conflict)
            return conflict;
        var user = new UserEntity
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Username = username!,
            DisplayName = displayName!,
            // Empty matches no password (PasswordHasher cannot parse it), so such a user only gets minted tokens.
            PasswordHash = request.Password is null ? string.Empty : await hasher.HashAsync(request.Password, cancellationToken),
            ExternalId = request.ExternalId,
            IsBot = isBot,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (!await store.TryAddUserAsync(user, cancellationToken))
            return await ConflictAsync(username!, request.ExternalId, cancellationToken) ?? s_usernameTaken;
        LogCreated(logger, user.Id);
        return ToDto(user);
    }

    public async Task<Result<ServerUserDto>> GetAsync(string userId, CancellationToken cancellationToken) =>
        await store.FindUserAsync(userId, cancellationToken) is { } user ? ToDto(user) : NotFound;

    public async Task<Result<ServerUserDto>> GetByExternalIdAsync(string externalId, CancellationToken cancellationToken) =>
        await store.FindUserByExternalIdAsync(externalId, cancellationToken) is { } user ? ToDto(user) : NotFound;

    public async Task<Result<ServerUserDto>> UpdateAsync(string userId, ServerUpdateUserRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        string? displayName = null;
        if (request.DisplayName is not null)
        {
            displayName = CredentialRules.CleanName(request.DisplayName, CredentialRules.DisplayNameMaxLength, string.Empty, out var nameError);
            if (nameError is not null || string.IsNullOrEmpty(displayName))
                errors["displayName"] = [nameError ?? "A display name is 1–64 characters."];
        }

        if (request.ExternalId is { Length: > 0 } && CheckExternalId(request.ExternalId) is { } externalIdError)
            errors["externalId"] = [externalIdError];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        if (await store.FindUserAsync(userId, cancellationToken) is null)
            return NotFound;
        if (request.ExternalId is not null && !await store.TrySetExternalIdAsync(userId, request.ExternalId.Length == 0 ? null : request.ExternalId, cancellationToken))
            return s_externalIdTaken;
        if (displayName is not null)
            await store.UpdateUserAsync(userId, null, displayName, cancellationToken);
        return await GetAsync(userId, cancellationToken);
    }

    /// <summary>
    /// Disables the user and ends every session at once, and refuses the external tokens issued so far (so an enable
    /// does not bring them back); their sockets close through the revocation broadcast.
    /// </summary>
    public async Task<Result<ServerUserDto>> DisableAsync(string userId, CancellationToken cancellationToken)
    {
        if (!await store.SetDisabledAsync(userId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
            return NotFound;
        // After the flag: a sign-in racing with this either lands before (and is revoked here) or sees the flag.
        await sessions.RevokeAllAsync(userId, exceptSessionId: null, cancellationToken);
        await sessions.RevokeExternalTokensAsync(userId, cancellationToken);
        LogDisabled(logger, userId);
        return await GetAsync(userId, cancellationToken);
    }

    public async Task<Result<ServerUserDto>> EnableAsync(string userId, CancellationToken cancellationToken)
    {
        if (!await store.SetDisabledAsync(userId, null, cancellationToken))
            return NotFound;
        LogEnabled(logger, userId);
        return await GetAsync(userId, cancellationToken);
    }

    /// <summary>Starts a session for the user without a password: the same answer as a sign-in.</summary>
    public async Task<Result<TokenResponse>> MintAsync(string userId, MintTokenRequest request, string? address, CancellationToken cancellationToken)
    {
        var deviceName = CredentialRules.CleanName(request.DeviceName, CredentialRules.DeviceNameMaxLength, MintedDeviceName, out var deviceError);
        if (deviceError is not null)
            return Failure.Validation("deviceName", deviceError);
        var user = await store.FindUserAsync(userId, cancellationToken);
        if (user is null)
            return NotFound;
        var minted = await sessions.StartUnlessDisabledAsync(user, deviceName!, address, cancellationToken);
        if (minted.Value is { } tokens)
            LogMinted(logger, userId, tokens.SessionId);
        return minted;
    }

    /// <summary>Gives or takes the admin role; the console's authentication reads the flag on every request, so it counts at once.</summary>
    public async Task<Result<ServerUserDto>> SetAdminAsync(string userId, SetAdminRequest request, CancellationToken cancellationToken)
    {
        if (request.Admin is not { } admin)
            return Failure.Validation("admin", "admin is required: true or false.");
        if (!await store.SetAdminAsync(userId, admin, cancellationToken))
            return NotFound;
        LogAdminChanged(logger, userId, admin);
        return await GetAsync(userId, cancellationToken);
    }

    /// <summary>Ends every session and refuses every external token issued up to now; the sockets of both close with 4001.</summary>
    public async Task<Outcome> SignOutAsync(string userId, CancellationToken cancellationToken)
    {
        if (await store.FindUserAsync(userId, cancellationToken) is null)
            return NotFound;
        await sessions.RevokeAllAsync(userId, exceptSessionId: null, cancellationToken);
        await sessions.RevokeExternalTokensAsync(userId, cancellationToken);
        return Outcome.Ok;
    }

    public static ServerUserDto ToDto(UserEntity user) => new(
        user.Id,
        user.Username,
        user.DisplayName,
        user.ExternalId,
        user.DisabledAt is not null,
        user.IsBot,
        DateTimeOffset.FromUnixTimeMilliseconds(user.CreatedAt),
        user.DisabledAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
        user.IsAdmin);

    private static string? CheckExternalId(string externalId)
    {
        var length = TextRules.CountRunes(externalId);
        return length is < 1 or > ExternalIdMaxLength || externalId.Trim().Length != externalId.Length
            || TextRules.HasControlCharacters(externalId, allowNewlines: false)
            ? $"An external id is 1–{ExternalIdMaxLength} characters, without control characters or surrounding spaces."
            : null;
    }

    private async Task<Failure?> ConflictAsync(string username, string? externalId, CancellationToken cancellationToken)
    {
        if (await store.FindUserByUsernameAsync(username, cancellationToken) is not null)
            return s_usernameTaken;
        if (externalId is not null && await store.FindUserByExternalIdAsync(externalId, cancellationToken) is not null)
            return s_externalIdTaken;
        return null;
    }

    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "User {UserId} created through the server API")]
    private static partial void LogCreated(ILogger logger, string userId);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "User {UserId} disabled; every session revoked")]
    private static partial void LogDisabled(ILogger logger, string userId);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "User {UserId} enabled")]
    private static partial void LogEnabled(ILogger logger, string userId);

    [LoggerMessage(EventId = 1414, Level = LogLevel.Warning, Message = "User {UserId} admin role set to {IsAdmin}")]
    private static partial void LogAdminChanged(ILogger logger, string userId, bool isAdmin);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Information, Message = "Token minted for user {UserId}: session {SessionId}")]
    private static partial void LogMinted(ILogger logger, string userId, string sessionId);
}
