using Microsoft.Extensions.Options;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Http;

/// <summary>
/// Cookie mode for browsers: the refresh token travels only in an HttpOnly, SameSite=Strict cookie scoped to the auth
/// routes, out of JavaScript's reach; the JSON body carries an empty <c>refreshToken</c>. Cross-site requests cannot
/// use it: the cookie is not sent cross-site (Strict), and the routes take only <c>application/json</c>, which a
/// cross-site form cannot send without a CORS preflight that the server never grants.
/// </summary>
internal static class RefreshCookie
{
    public const string Name = "tokenim_refresh";
    public const string Path = ApiRoutes.Base + "/auth";

    /// <summary>Moves the refresh token of <paramref name="response"/> into the cookie and blanks it in the body.</summary>
    public static TokenResponse Apply(HttpContext context, TokenResponse response)
    {
        var lifetime = context.RequestServices.GetRequiredService<IOptions<TokenImOptions>>().Value.Tokens.SessionLifetime;
        context.Response.Cookies.Append(Name, response.RefreshToken, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = Path,
            MaxAge = lifetime,
            IsEssential = true,
        });
        return response with { RefreshToken = string.Empty };
    }

    public static string? Read(HttpContext context) => context.Request.Cookies[Name];

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name, new CookieOptions { Path = Path, HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
}
