namespace TokenIM.Protocol.Rest;

/// <summary>One public key of <c>GET /.well-known/jwks.json</c> (RFC 7517): an EC P-256 key for ES256.</summary>
/// <param name="Kty">Always <c>EC</c>.</param>
/// <param name="Crv">Always <c>P-256</c>.</param>
/// <param name="X">The x coordinate, base64url.</param>
/// <param name="Y">The y coordinate, base64url.</param>
/// <param name="Kid">Matches the <c>kid</c> header of the tokens it verifies.</param>
/// <param name="Use">Always <c>sig</c>.</param>
/// <param name="Alg">Always <c>ES256</c>.</param>
public sealed record JsonWebKeyDto(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

/// <summary>The JWKS document: every key that may verify a live access token, the signing key last.</summary>
/// <param name="Keys">The public keys.</param>
public sealed record JsonWebKeySetDto(IReadOnlyList<JsonWebKeyDto> Keys);
