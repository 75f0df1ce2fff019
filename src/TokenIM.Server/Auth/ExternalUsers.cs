using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

/// <summary>
/// The user behind a valid external token: found by external id, or (with <c>AutoCreateUsers</c>) created from the
/// token's profile claims through the server API's own create, so whatever that path does for a new user happens
/// here too. Then the checks a session would have made: not disabled, and not signed out everywhere since the token
/// was issued. The user is read on every request, so a disable or sign-out holds from the next request on every node.
/// </summary>
internal sealed partial class ExternalUsers(IAccountStore store, ServerUserService users, ILogger<ExternalUsers> logger)
{
    private const int UsernameMaxLength = 32;
    private const int MaxCreateAttempts = 4;

    public static readonly Failure UnknownUser = new(ErrorCode.UnknownExternalUser, "The token's user is not known to TokenIM.");
    private static readonly Failure s_signedOut = new(ErrorCode.SessionRevoked, "The user was signed out everywhere after this token was issued; get a new one.");

    public async Task<Result<UserEntity>> ResolveAsync(ExternalTokenClaims claims, bool mayCreate, CancellationToken cancellationToken)
    {
        var user = await store.FindUserByExternalIdAsync(claims.ExternalId, cancellationToken);
        if (user is null)
        {
            if (!claims.Issuer.AutoCreateUsers || !mayCreate)
                return UnknownUser;
            user = await CreateAsync(claims, cancellationToken);
            if (user is null)
                return UnknownUser;
        }

        if (user.DisabledAt is not null)
            return SessionService.UserDisabled;
        // Whole seconds, as iat: a token issued in the second of the sign-out is refused too (the app fetches another).
        if (user.TokensValidAfter is { } after && claims.IssuedAt.ToUnixTimeSeconds() <= after)
            return s_signedOut;
        return user;
    }

    /// <summary>
    /// Creates the user, or finds the one a concurrent first request created: the unique index on the external id
    /// decides the race, so twenty first requests at once make one user.
    /// </summary>
    private async Task<UserEntity?> CreateAsync(ExternalTokenClaims claims, CancellationToken cancellationToken)
    {
        var baseName = UsernameFrom(claims.Username ?? claims.ExternalId);
        string? displayName = DisplayNameFrom(claims.DisplayName);
        for (var attempt = 0; attempt < MaxCreateAttempts; attempt++)
        {
            var username = attempt switch
            {
                0 => baseName,
                1 => WithSuffix(baseName, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(claims.ExternalId)))[..6]),
                _ => WithSuffix(baseName, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))),
            };
            var created = await users.CreateAsync(new ServerCreateUserRequest(username, displayName, claims.ExternalId, null), cancellationToken);
            if (created.IsSuccess)
            {
                LogCreated(logger, created.Value!.Id, claims.Issuer.Issuer!);
                return await store.FindUserAsync(created.Value.Id, cancellationToken);
            }

            if (await store.FindUserByExternalIdAsync(claims.ExternalId, cancellationToken) is { } raced)
                return raced;
            if (created.Error!.Code == ErrorCode.ValidationFailed)
                displayName = null; // the username is valid by construction: the claim's display name was not
            else if (created.Error.Code != ErrorCode.UsernameTaken)
                return null;
        }

        return null;
    }

    /// <summary>
    /// A valid username from any text: lower case, each run of other characters as one <c>_</c>, 3–32 long. Letters
    /// outside a–z become <c>_</c> too: the server runs with invariant globalization, where Unicode normalization (to
    /// drop accents) is not available; the display name keeps the name as written.
    /// </summary>
    public static string UsernameFrom(string? claim)
    {
        var builder = new StringBuilder();
        foreach (var c in claim ?? string.Empty)
        {
            var lower = char.ToLowerInvariant(c);
            var keep = lower is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-';
            if (keep || (builder.Length > 0 && builder[^1] != '_'))
                builder.Append(keep ? lower : '_');
            if (builder.Length >= UsernameMaxLength - 7)
                break;
        }

        var name = builder.ToString().Trim('.', '_', '-');
        return name.Length >= 3 ? name : "user" + (name.Length > 0 ? "_" + name : string.Empty);
    }

    private static string WithSuffix(string name, string suffix) =>
        (name.Length + 1 + suffix.Length > UsernameMaxLength ? name[..(UsernameMaxLength - 1 - suffix.Length)] : name) + "-" + suffix;

    /// <summary>The claim without control characters, cut to the display name's length; null (the username) when nothing is left.</summary>
    private static string? DisplayNameFrom(string? claim)
    {
        if (claim is null)
            return null;
        var cleaned = new string([.. claim.Where(c => !char.IsControl(c))]).Trim();
        var elements = StringInfo.GetTextElementEnumerator(cleaned);
        var builder = new StringBuilder();
        for (var count = 0; count < CredentialRules.DisplayNameMaxLength && elements.MoveNext(); count++)
            builder.Append(elements.GetTextElement());
        return builder.Length == 0 ? null : builder.ToString().Trim();
    }

    [LoggerMessage(EventId = 1252, Level = LogLevel.Information, Message = "User {UserId} created on first use of a token of external issuer {Issuer}")]
    private static partial void LogCreated(ILogger logger, string userId, string issuer);
}
