using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenIM.Protocol;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>What TokenIM takes from a valid external token: who (the external id) and when, and the profile for a first use.</summary>
internal sealed record ExternalTokenClaims(
    ExternalIssuerSettings Issuer,
    string ExternalId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? Username,
    string? DisplayName);

/// <summary>
/// Validates access tokens signed by the external issuers of <c>TokenIM:ExternalIssuers</c>, as strictly as TokenIM's
/// own: the issuer's keys only (by <c>kid</c>, never every key), its algorithm allowlist (never <c>none</c> or
/// <c>HS*</c>), <c>iss</c> and <c>aud</c> exact, <c>exp</c> and <c>iat</c> required, <c>nbf</c> honoured, a lifetime
/// no longer than <see cref="ExternalIssuerSettings.MaxLifetime"/>, <c>typ</c> when configured, and no header that
/// carries or points at a key. The user behind the token is <see cref="ExternalUsers"/>' business.
/// </summary>
internal sealed class ExternalTokens
{
    // Headers that carry or point at a verification key (RFC 8725 §3.10), and crit (no extension is understood). x5t
    // stays allowed: some providers always send the thumbprint beside the kid, and TokenIM never looks a key up by it.
    private static readonly string[] s_forbiddenHeaders = ["jku", "x5u", "jwk", "x5c", "crit"];

    private readonly Dictionary<string, (ExternalIssuerSettings Settings, ExternalIssuerKeys Keys)> _issuers;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, MaximumTokenSizeInBytes = AccessTokens.MaxTokenBytes };

    public ExternalTokens(IOptions<TokenImOptions> options, TimeProvider time, ILogger<ExternalTokens> logger)
    {
        _time = time;
        _issuers = options.Value.ExternalIssuers.ToDictionary(
            i => i.Issuer!, i => (i, new ExternalIssuerKeys(i, time, logger)), StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="issuer"/> is a configured external issuer: its tokens go to <see cref="ValidateAsync"/>.</summary>
    public bool IsExternal(string? issuer) => issuer is not null && _issuers.ContainsKey(issuer);

    public async Task<Result<ExternalTokenClaims>> ValidateAsync(JsonWebToken parsed)
    {
        var invalid = AccessTokens.Invalid;
        if (!_issuers.TryGetValue(parsed.Issuer, out var issuer))
            return invalid;
        foreach (var header in s_forbiddenHeaders)
        {
            if (parsed.TryGetHeaderValue<object>(header, out _))
                return invalid;
        }

        var settings = issuer.Settings;
        var result = await _handler.ValidateTokenAsync(parsed, Parameters(settings, issuer.Keys));
        if (!result.IsValid)
            return invalid;

        // Lifetime by the injected clock, as for TokenIM's own tokens; iat is required: without it neither the
        // lifetime cap nor "signed out after this token was issued" could be judged.
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (!parsed.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var expires)
            || !parsed.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt)
            || issuedAt > now + skew
            || expires - issuedAt > (long)settings.MaxLifetime.TotalSeconds
            || (parsed.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var notBefore) && notBefore > now + skew))
            return invalid;
        if (expires <= now - skew)
            return new Failure(ErrorCode.TokenExpired, "The access token has expired.");

        if (!parsed.TryGetPayloadValue<string>(settings.UserClaim, out var subject) || string.IsNullOrEmpty(subject))
            return invalid;
        var externalId = settings.ExternalIdPrefix + subject;
        if (externalId.Length > ServerUserService.ExternalIdMaxLength || externalId.Trim().Length != externalId.Length || externalId.Any(char.IsControl))
            return invalid;

        return new ExternalTokenClaims(
            settings,
            externalId,
            DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            DateTimeOffset.FromUnixTimeSeconds(expires),
            parsed.TryGetPayloadValue<string>(settings.UsernameClaim, out var username) ? username : null,
            parsed.TryGetPayloadValue<string>(settings.DisplayNameClaim, out var displayName) ? displayName : null);
    }

    private static TokenValidationParameters Parameters(ExternalIssuerSettings settings, ExternalIssuerKeys keys) => new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ValidAlgorithms = settings.AcceptedAlgorithms,
        ValidTypes = settings.TokenType is { Length: > 0 } type ? [type, "application/" + type] : null,
        TryAllIssuerSigningKeys = false,
        IssuerSigningKeyResolver = (_, token, kid, _) => keys.Find(kid, (token as JsonWebToken)?.Alg) is { } key ? [key] : [],
    };
}
