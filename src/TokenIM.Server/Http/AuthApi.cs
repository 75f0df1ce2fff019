using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Http;

internal static class AuthApi
{
    public static void MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimiting.Register)
            .WithSummary("Create an account and sign in.");
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimiting.Auth)
            .WithSummary("Sign in; starts a session.");
        auth.MapPost("/refresh", RefreshAsync).RequireRateLimiting(RateLimiting.Auth)
            .WithSummary("Exchange the refresh token for a new token pair.");
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization()
            .WithSummary("End the caller's session.")
            .WithDescription("With an external issuer's token there is no session to end: 400 external_token.");
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization()
            .WithSummary("Change the password; ends every other session.");
        auth.MapGet("/sessions", ListSessionsAsync).RequireAuthorization()
            .WithSummary("The caller's active sessions (devices).");
        auth.MapDelete("/sessions/{id}", RevokeSessionAsync).RequireAuthorization()
            .WithSummary("End one of the caller's sessions.");
    }

    private static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await accounts.RegisterAsync(request, RateLimiting.AddressOf(context), cancellationToken);
        if (!result.IsSuccess)
            return result.Error!.ToProblem();
        var tokens = request.RefreshTokenCookie == true ? RefreshCookie.Apply(context, result.Value!) : result.Value!;
        return TypedResults.Created($"{ApiRoutes.Base}/users/{tokens.User.Id}", tokens);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await accounts.LoginAsync(request, RateLimiting.AddressOf(context), cancellationToken);
        if (!result.IsSuccess)
            return result.Error!.ToProblem();
        return TypedResults.Ok(request.RefreshTokenCookie == true ? RefreshCookie.Apply(context, result.Value!) : result.Value!);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, SessionService sessions, HttpContext context, CancellationToken cancellationToken)
    {
        // Cookie mode: no token in the body, the cookie carries it, and the new one goes back the same way.
        var cookieMode = string.IsNullOrEmpty(request.RefreshToken) && RefreshCookie.Read(context) is not null;
        var token = cookieMode ? RefreshCookie.Read(context) : request.RefreshToken;
        var result = await sessions.RefreshAsync(token, RateLimiting.AddressOf(context), cancellationToken);
        if (!result.IsSuccess)
        {
            if (cookieMode)
                RefreshCookie.Clear(context);
            return result.Error!.ToProblem();
        }

        return TypedResults.Ok(cookieMode ? RefreshCookie.Apply(context, result.Value!) : result.Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(ClaimsPrincipal user, SessionService sessions, HttpContext context, CancellationToken cancellationToken)
    {
        // An external issuer's token has no session to end; a 204 would claim a sign-out that did not happen.
        if (user.GetSessionId() == AccessTokenClaims.ExternalSessionId)
            return new Failure(ErrorCode.ExternalToken, "This token was signed by an external issuer and has no TokenIM session: sign out at the identity provider.").ToProblem();
        await sessions.RevokeAsync(user.GetUserId(), user.GetSessionId(), cancellationToken);
        RefreshCookie.Clear(context);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal user, AccountService accounts, CancellationToken cancellationToken)
    {
        var outcome = await accounts.ChangePasswordAsync(user.GetUserId(), user.GetSessionId(), request, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }

    private static async Task<Ok<SessionList>> ListSessionsAsync(ClaimsPrincipal user, SessionService sessions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SessionList(await sessions.ListAsync(user.GetUserId(), user.GetSessionId(), cancellationToken)));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessionAsync(
        string id, ClaimsPrincipal user, SessionService sessions, CancellationToken cancellationToken)
    {
        var outcome = await sessions.RevokeAsync(user.GetUserId(), id, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }
}
