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
/// they name no other, so a user's access token never works there and an API key never works on user routes.
/// A refused request gets <c>401 invalid_api_key</c> Problem Details.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The policy every server API route requires: authenticated by this scheme only.</summary>
    public const string PolicyName = "ServerApi";

    public const string KeyIdClaim = "key";
    public const string ScopeClaim = "scope";

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
        var key = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        return key is null ? AuthenticateResult.Fail("Unknown or revoked API key.") : Success(key.Id, ApiKeyService.ScopesOf(key));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = string.IsNullOrEmpty(Request.Headers.Authorization)
            ? "The server API needs an API key: Authorization: Bearer tim_…"
            : "The API key is malformed, unknown or revoked.";
        return Problems.WriteAsync(Context, ErrorCode.InvalidApiKey, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var scope = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope;
        return Problems.WriteAsync(Context, ErrorCode.InsufficientScope, $"This API key lacks the scope '{scope}'.");
    }

    private static AuthenticateResult Success(string keyId, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            [new Claim(KeyIdClaim, keyId), .. scopes.Select(s => new Claim(ScopeClaim, s))],
            SchemeName, KeyIdClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
