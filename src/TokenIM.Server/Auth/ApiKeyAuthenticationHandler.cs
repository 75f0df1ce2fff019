using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Hosting;
using TokenIM.Server.Http;

namespace TokenIM.Server.Auth;

/// <summary>
/// The server API's own scheme: <c>Authorization: Bearer tim_…</c> checked against the stored keys, or a request
/// that arrived on the local admin socket (every scope, no key). Only the server API's routes name this scheme, and
/// they name no other, so an API key never works on user routes. A TokenIM access token (anything not shaped like a
/// key) goes to <see cref="ConsoleCallers"/>: an admin's gets the console scopes, anyone else's none (403).
/// A refused key gets <c>401 invalid_api_key</c> Problem Details; a refused access token the bearer scheme's code
/// (<c>token_expired</c>, <c>session_revoked</c>, …) so a browser refreshes as it does on the user API.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyService keys,
    ConsoleCallers console)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The policy every server API route requires: authenticated by this scheme only.</summary>
    public const string PolicyName = "ServerApi";

    public const string KeyIdClaim = "key";
    public const string ScopeClaim = "scope";
    private const string FailureKey = "TokenIM.ServerApiFailure";

    /// <summary>The key id of requests from the local admin socket.</summary>
    public const string LocalKeyId = "local";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (LocalAdminConnection.IsLocal(Context))
            return Success(LocalKeyId, ServerScopes.All);

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Use the Bearer scheme.");
        var token = header["Bearer ".Length..].Trim();
        if (!token.StartsWith(ApiKeyToken.Prefix, StringComparison.Ordinal))
            return await AuthenticateUserAsync(token);
        var key = await keys.AuthenticateAsync(token, Context.RequestAborted);
        return key is null ? AuthenticateResult.Fail("Unknown or revoked API key.") : Success(key.Id, ApiKeyService.ScopesOf(key));
    }

    private async Task<AuthenticateResult> AuthenticateUserAsync(string token)
    {
        var caller = await console.AuthenticateAsync(token, Context.RequestAborted);
        if (!caller.IsSuccess)
        {
            Context.Items[FailureKey] = caller.Error;
            return AuthenticateResult.Fail(caller.Error!.Detail);
        }

        var (userId, scopes) = caller.Value;
        return Success(ConsoleCallers.CallerIdOf(userId), scopes, new Claim(CurrentUser.UserIdClaim, userId));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        if (Context.Items[FailureKey] is Failure failure && failure.Code != ErrorCode.InvalidApiKey)
            return Problems.WriteAsync(Context, failure.Code, failure.Detail);
        var detail = string.IsNullOrEmpty(Request.Headers.Authorization)
            ? "The server API needs an API key: Authorization: Bearer tim_…"
            : "The API key is malformed, unknown or revoked.";
        return Problems.WriteAsync(Context, ErrorCode.InvalidApiKey, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var scope = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope;
        var caller = Context.User.FindFirst(CurrentUser.UserIdClaim) is null ? "This API key" : "This user's token (the admin console's scopes, or none for a non-admin)";
        return Problems.WriteAsync(Context, ErrorCode.InsufficientScope, $"{caller} lacks the scope '{scope}'.");
    }

    private static AuthenticateResult Success(string keyId, IEnumerable<string> scopes, params Claim[] extra)
    {
        var identity = new ClaimsIdentity(
            [new Claim(KeyIdClaim, keyId), .. extra, .. scopes.Select(s => new Claim(ScopeClaim, s))],
            SchemeName, KeyIdClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
