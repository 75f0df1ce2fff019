using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Server.Auth;
using TokenIM.Server.Hosting;
using TokenIM.Server.Http;

namespace TokenIM.Server.Gateway;

/// <summary><c>GET /ws</c>: the checks before the upgrade (subprotocol, no token in the query, origin, header token), then the socket.</summary>
internal static partial class GatewayEndpoint
{
    public const string Path = "/ws";
    public const string Subprotocol = "tokenim.v1";
    private static readonly string[] s_tokenParameters = ["access_token", "token", "jwt", "bearer", "auth", "authorization"];

    public static WebApplication MapTokenImGateway(this WebApplication app)
    {
        app.Map(Path, HandleAsync).WithTags("WebSocket").ExcludeFromDescription();
        return app;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problems.WriteAsync(context, ErrorCode.MalformedRequest, "This endpoint takes WebSocket upgrades only.");
            return;
        }

        if (CarriesQueryToken(context.Request.Query))
        {
            await Problems.WriteAsync(context, ErrorCode.MalformedRequest, "Tokens in the query string are refused: use the Authorization header or an auth frame.");
            return;
        }

        var settings = context.RequestServices.GetRequiredService<IOptions<TokenImOptions>>().Value.Gateway;
        if (!IsOriginAllowed(context.Request, settings.AllowedOrigins))
        {
            await Problems.WriteAsync(context, ErrorCode.PermissionDenied, "This origin may not open sockets.");
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(Subprotocol, StringComparer.Ordinal))
        {
            await Problems.WriteAsync(context, ErrorCode.MalformedRequest, $"Offer the subprotocol {Subprotocol}.");
            return;
        }

        AccessTokenClaims? claims = null;
        if (context.Request.Headers.Authorization.Count > 0)
        {
            // The authentication middleware already ran the bearer handler: refuse before upgrading.
            claims = BearerAuthenticationHandler.ClaimsOf(context);
            if (claims is null)
            {
                await context.ChallengeAsync();
                return;
            }
        }

        // Sockets still authenticating count against the node's cap too: counted only once registered, sockets that never
        // authenticate were bounded by nothing but AuthTimeout (ExhaustionTests). The registry re-checks at registration.
        if (context.RequestServices.GetRequiredService<GatewayLifetime>().OpenCount >= settings.MaxConnections)
        {
            await Problems.WriteAsync(context, ErrorCode.TooManyConnections, "This node is full.");
            return;
        }

        // A socket lives long: it must not count against the request-body limit or the request timeout.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = Subprotocol,
            KeepAliveInterval = settings.PingInterval,
            KeepAliveTimeout = settings.PingTimeout,
        });
        await context.RequestServices.GetRequiredService<ConnectionHandler>().RunAsync(socket, claims);
    }

    private static bool CarriesQueryToken(IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            if (s_tokenParameters.Contains(key, StringComparer.OrdinalIgnoreCase))
                return true;
            foreach (var value in values)
            {
                if (value is not null && JwtShape().IsMatch(value))
                    return true;
            }
        }

        return false;
    }

    private static bool IsOriginAllowed(HttpRequest request, string[] allowed)
    {
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
            return true;
        var own = $"{request.Scheme}://{request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || allowed.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex JwtShape();
}
