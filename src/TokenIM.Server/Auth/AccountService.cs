using System.Text;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>Registration, sign-in, password change and profiles.</summary>
internal sealed partial class AccountService(
    IAccountStore store,
    PasswordHasher hasher,
    SessionService sessions,
    LoginThrottle throttle,
    TimeProvider time,
    ILogger<AccountService> logger,
    Telemetry.TokenImMetrics? metrics = null)
{
    private const string DefaultDeviceName = "Unnamed device";
    private static readonly Failure s_invalidCredentials = new(ErrorCode.InvalidCredentials, "The username or password is incorrect.");

    public async Task<Result<TokenResponse>> RegisterAsync(RegisterRequest request, string? address, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var username = CredentialRules.NormalizeUsername(request.Username, out var usernameError);
        if (usernameError is not null)
            errors["username"] = [usernameError];
        if (CredentialRules.CheckPassword(request.Password, username) is { } passwordError)
            errors["password"] = [passwordError];
        var displayName = CredentialRules.CleanName(request.DisplayName, CredentialRules.DisplayNameMaxLength, username ?? string.Empty, out var nameError);
        if (nameError is not null)
            errors["displayName"] = [nameError];
        var deviceName = CredentialRules.CleanName(request.DeviceName, CredentialRules.DeviceNameMaxLength, DefaultDeviceName, out var deviceError);
        if (deviceError is not null)
            errors["deviceName"] = [deviceError];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        // Cheap check first, so a taken name costs no hashing; the unique index still decides a race.
        var taken = new Failure(ErrorCode.UsernameTaken, "The username is already taken.");
        if (await store.FindUserByUsernameAsync(username!, cancellationToken) is not null)
            return taken;

        var user = new UserEntity
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Username = username!,
            DisplayName = displayName!,
            PasswordHash = await hasher.HashAsync(request.Password!, cancellationToken),
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        var (session, refreshRow, refreshToken) = sessions.NewSession(user.Id, deviceName!, address);
        if (!await store.TryCreateUserAsync(user, session, refreshRow, cancellationToken))
            return taken;
        LogRegistered(logger, user.Id);
        return sessions.Respond(user, session, refreshToken);
    }

    public async Task<Result<TokenResponse>> LoginAsync(LoginRequest request, string? address, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 64)
            return Failure.Validation("username", "A username is required.");
        // Refused before hashing: an oversized password must not buy CPU time.
        if (string.IsNullOrEmpty(request.Password) || Encoding.UTF8.GetByteCount(request.Password) > CredentialRules.PasswordMaxBytes)
            return Failure.Validation("password", $"A password of at most {CredentialRules.PasswordMaxLength} characters is required.");
        var deviceName = CredentialRules.CleanName(request.DeviceName, CredentialRules.DeviceNameMaxLength, DefaultDeviceName, out var deviceError);
        if (deviceError is not null)
            return Failure.Validation("deviceName", deviceError);

        // Throttled by name whether or not the account exists, so the limit reveals nothing either.
        var account = request.Username.Trim().ToLowerInvariant();
        if (await throttle.RetryAfterAsync(account) is { } wait)
        {
            metrics?.SignInFailed("throttled");
            metrics?.RateLimited("failed-logins");
            return Failure.RateLimited(wait);
        }

        var user = await store.FindUserByUsernameAsync(account, cancellationToken);
        var check = await hasher.VerifyAsync(request.Password, user?.PasswordHash, cancellationToken);
        if (user is null || check == PasswordCheck.Wrong)
        {
            await throttle.RecordFailureAsync(account);
            metrics?.SignInFailed(user is null ? "unknown_user" : "wrong_password");
            LogLoginFailed(logger, address);
            return s_invalidCredentials;
        }

        if (check == PasswordCheck.CorrectNeedsRehash && user.DisabledAt is null)
            await store.UpdateUserAsync(user.Id, await hasher.HashAsync(request.Password, cancellationToken), null, cancellationToken);
        // A disabled account is told so only to someone who knows the password: it reveals nothing to others.
        return await sessions.StartUnlessDisabledAsync(user, deviceName!, address, cancellationToken);
    }

    /// <summary>Changes the password after checking the current one, and ends every other session.</summary>
    public async Task<Outcome> ChangePasswordAsync(string userId, string sessionId, ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var user = await store.FindUserAsync(userId, cancellationToken);
        if (user is null)
            return new Failure(ErrorCode.SessionRevoked, "The account no longer exists.");
        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > CredentialRules.PasswordMaxBytes)
            return Failure.Validation("currentPassword", "The current password is required.");
        if (CredentialRules.CheckPassword(request.NewPassword, user.Username) is { } passwordError)
            return Failure.Validation("newPassword", passwordError);
        if (await throttle.RetryAfterAsync(user.Username) is { } wait)
            return Failure.RateLimited(wait);
        if (await hasher.VerifyAsync(request.CurrentPassword, user.PasswordHash, cancellationToken) == PasswordCheck.Wrong)
        {
            await throttle.RecordFailureAsync(user.Username);
            return Failure.Validation("currentPassword", "The current password is incorrect.");
        }

        await store.UpdateUserAsync(userId, await hasher.HashAsync(request.NewPassword!, cancellationToken), null, cancellationToken);
        await sessions.RevokeAllAsync(userId, exceptSessionId: sessionId, cancellationToken);
        LogPasswordChanged(logger, userId);
        return Outcome.Ok;
    }

    public async Task<Result<UserDto>> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        await store.FindUserAsync(userId, cancellationToken) is { } user
            ? ToDto(user)
            : new Failure(ErrorCode.UserNotFound, "No such user.");

    /// <summary>The caller as others see them, plus their admin flag: the one answer that carries it.</summary>
    public async Task<Result<UserDto>> GetMeAsync(string userId, CancellationToken cancellationToken) =>
        await store.FindUserAsync(userId, cancellationToken) is { } user
            ? ToDto(user) with { IsAdmin = user.IsAdmin ? true : null }
            : new Failure(ErrorCode.UserNotFound, "No such user.");

    public async Task<Result<IReadOnlyList<UserDto>>> SearchAsync(string? query, int? limit, CancellationToken cancellationToken)
    {
        var prefix = query?.Trim().ToLowerInvariant() ?? string.Empty;
        if (prefix.Length is 0 or > 32 || prefix.Any(c => c is not (>= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-')))
            return Failure.Validation("query", "The query is 1–32 characters of letters, digits, '.', '_' and '-' (compared without regard to case).");
        if (limit is < 1 or > 50)
            return Failure.Validation("limit", "The limit is 1–50.");
        var users = await store.SearchUsersAsync(prefix, limit ?? 20, cancellationToken);
        return Result(users.Select(ToDto).ToList());
    }

    public async Task<Result<UserDto>> UpdateProfileAsync(string userId, UpdateProfileRequest request, CancellationToken cancellationToken)
    {
        var displayName = CredentialRules.CleanName(request.DisplayName, CredentialRules.DisplayNameMaxLength, string.Empty, out var error);
        if (error is not null || string.IsNullOrEmpty(displayName))
            return Failure.Validation("displayName", error ?? "A display name is 1–64 characters.");
        await store.UpdateUserAsync(userId, null, displayName, cancellationToken);
        return await GetUserAsync(userId, cancellationToken);
    }

    // isBot is written for bots only (null is omitted), so a person's JSON is what it always was.
    public static UserDto ToDto(UserEntity user) => new(user.Id, user.Username, user.DisplayName, user.IsBot ? true : null);

    private static Result<IReadOnlyList<UserDto>> Result(List<UserDto> users) => users;

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "User {UserId} registered")]
    private static partial void LogRegistered(ILogger logger, string userId);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Failed sign-in from {Address}")]
    private static partial void LogLoginFailed(ILogger logger, string? address);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "User {UserId} changed the password; other sessions revoked")]
    private static partial void LogPasswordChanged(ILogger logger, string userId);
}
