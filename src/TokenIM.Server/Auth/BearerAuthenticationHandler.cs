using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Http;

namespace TokenIM.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> requests through <see cref="TokenAuthenticator"/>: TokenIM's token and its
/// session, or an external issuer's token and its user. A refused request gets Problem Details naming why
/// (<c>invalid_token</c>, <c>token_expired</c>, <c>session_revoked</c>, <c>unknown_external_user</c>,
/// <c>user_disabled</c>). Tokens in the query string are never read.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TokenAuthenticator tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";
    private const string FailureKey = "TokenIM.AuthFailure";
    private const string ClaimsKey = "TokenIM.AccessToken";

    /// <summary>The validated token of the request, when it carried one.</summary>
    public static AccessTokenClaims? ClaimsOf(HttpContext context) => context.Items[ClaimsKey] as AccessTokenClaims;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Fail(new Failure(ErrorCode.InvalidToken, "Use the Bearer scheme."));

        var token = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), expected: null, Context.RequestAborted);
        if (!token.IsSuccess)
            return Fail(token.Error!);
        var claims = token.Value!;

        Context.Items[ClaimsKey] = claims;
        var identity = new ClaimsIdentity(
            [new Claim(CurrentUser.UserIdClaim, claims.UserId), new Claim(CurrentUser.SessionIdClaim, claims.SessionId)],
            SchemeName, CurrentUser.UserIdClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Items[FailureKey] as Failure ?? new Failure(ErrorCode.InvalidToken, "An access token is required.");
        Response.Headers.WWWAuthenticate = failure.Code == ErrorCode.TokenExpired
            ? "Bearer error=\"invalid_token\", error_description=\"The access token expired\""
            : "Bearer";
        return Problems.WriteAsync(Context, failure.Code, failure.Detail);
    }

    private AuthenticateResult Fail(Failure failure)
    {
        Context.Items[FailureKey] = failure;
        return AuthenticateResult.Fail(failure.Detail);
    }
}
