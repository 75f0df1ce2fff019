using Microsoft.AspNetCore.StaticFiles;

namespace TokenIM.Server.Hosting;

/// <summary>
/// Serves the browser client that the build puts in <c>wwwroot</c> (from <c>web/</c>): hashed assets cached for a year,
/// <c>index.html</c> never cached and sent with a strict Content-Security-Policy, and every other path that is not the
/// API, the socket or a file answered with <c>index.html</c> so client-side routes survive a reload.
/// </summary>
internal static class WebClient
{
    /// <summary>No inline script or style anywhere; the socket and the API are same-origin.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    // The catch-all excludes api/… and ws/… (an unknown API path stays a 404 problem) and anything that looks like a
    // file (a missing asset stays a plain 404, not HTML that the browser would try to run as a script).
    private const string SpaRoute = "{*path:nonfile:regex(^(?!(api|ws)(/|$)).*$)}";

    /// <summary>Maps the static files and the SPA fallback. Call after <c>UseTokenImPipeline</c>.</summary>
    public static WebApplication UseTokenImWebClient(this WebApplication app)
    {
        var files = new StaticFileOptions { OnPrepareResponse = Prepare };
        app.UseDefaultFiles();
        app.UseStaticFiles(files);
        app.MapFallbackToFile(SpaRoute, "index.html", files);
        return app;
    }

    private static void Prepare(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
        {
            // Always revalidated, so a deploy's new asset names are picked up at once.
            headers.CacheControl = "no-cache";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }
        else if (context.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal))
        {
            // Vite puts a content hash in every file name under assets/: a changed file is a new URL.
            headers.CacheControl = "public, max-age=31536000, immutable";
        }
        else
        {
            headers.CacheControl = "no-cache";
        }
    }
}
