using System.Security.Claims;

namespace TokenIM.Server.Auth;

/// <summary>Reads the caller from the principal the bearer handler built.</summary>
internal static class CurrentUser
{
    public const string UserIdClaim = "sub";
    public const string SessionIdClaim = "sid";

    /// <summary>The caller's user id; only on endpoints that require authorization.</summary>
    public static string GetUserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(UserIdClaim) ?? throw new InvalidOperationException("The endpoint does not require authorization.");

    /// <summary>The caller's session id; only on endpoints that require authorization.</summary>
    public static string GetSessionId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(SessionIdClaim) ?? throw new InvalidOperationException("The endpoint does not require authorization.");
}
