using System.Buffers.Text;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.Server.Http;

internal static class JwksApi
{
    public static void MapJwksApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/.well-known/jwks.json", (SigningKeys keys, HttpContext context) =>
        {
            // Verifiers may cache it briefly; a rotated key appears long before it signs anything that matters.
            context.Response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Ok(new JsonWebKeySetDto([.. keys.AllFresh().Select(key =>
            {
                var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
                return new JsonWebKeyDto("EC", "P-256", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y), key.KeyId, "sig", "ES256");
            })]));
        })
        .WithTags("Keys")
        .WithSummary("The public keys that verify access tokens.");
}
