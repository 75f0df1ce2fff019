using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenIM.Protocol;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Auth;

/// <summary>The claims TokenIM reads from a valid access token. A token of an external issuer has no session: its
/// <see cref="SessionId"/> is <see cref="ExternalSessionId"/> and its <see cref="Generation"/> 0.</summary>
internal sealed record AccessTokenClaims(string UserId, string SessionId, int Generation, DateTimeOffset ExpiresAt)
{
    /// <summary>The session id of every request and socket authenticated by an external issuer's token; no session has it.</summary>
    public const string ExternalSessionId = "external";

    public bool IsExternal => SessionId == ExternalSessionId;
}

/// <summary>
/// Issues and validates access tokens: ES256 JWTs with <c>typ: at+jwt</c> and a <c>kid</c>; claims <c>iss</c>,
/// <c>aud</c>, <c>sub</c>, <c>sid</c>, <c>jti</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c> and <c>gen</c> (the token pair's
/// generation within its session, so that a void pair's access token is refused). Validation pins the algorithm and
/// type, requires <c>exp</c>, <c>iss</c> and <c>aud</c>, allows 60 s of clock skew and refuses key-bearing headers.
/// It checks the token alone; <see cref="SessionService"/> checks the session behind it.
/// </summary>
internal sealed class AccessTokens(SigningKeys keys, IOptions<TokenImOptions> options, TimeProvider time)
{
    public const string GenerationClaim = "gen";
    public const string TokenType = "at+jwt";
    public const int MaxTokenBytes = 8 * 1024;
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    // Headers that would let a token name its own verification key (RFC 8725 §3.10): never honoured, always refused.
    private static readonly string[] s_forbiddenHeaders = ["jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "crit"];

    private static readonly JsonWebTokenHandler s_reader = new() { MapInboundClaims = false, MaximumTokenSizeInBytes = MaxTokenBytes };

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false, MaximumTokenSizeInBytes = MaxTokenBytes };

    public TimeSpan Lifetime => options.Value.Tokens.AccessTokenLifetime;

    public string Issue(string userId, string sessionId, int generation)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = keys.Current;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            TokenType = TokenType,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [CurrentUser.UserIdClaim] = userId,
                [CurrentUser.SessionIdClaim] = sessionId,
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                [GenerationClaim] = generation,
            },
        });
    }

    public static readonly Failure Invalid = new(ErrorCode.InvalidToken, "The access token is not valid.");

    public async Task<Result<AccessTokenClaims>> ValidateAsync(string? token) =>
        TryRead(token) is { } parsed ? await ValidateAsync(parsed) : Invalid;

    /// <summary>
    /// Parses a token without trusting it, for routing by <c>iss</c>: null for anything but a compact JWS of at most
    /// <see cref="MaxTokenBytes"/>. Shared by TokenIM's own tokens and external issuers' (<see cref="TokenAuthenticator"/>).
    /// </summary>
    public static JsonWebToken? TryRead(string? token)
    {
        // Exactly three segments: a JWS. Five would be a JWE, which TokenIM never accepts.
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenBytes || token.Count(c => c == '.') != 2 || !s_reader.CanReadToken(token))
            return null;
        try
        {
            return s_reader.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Validates a token of TokenIM's own issuer, read by <see cref="TryRead"/>.</summary>
    public async Task<Result<AccessTokenClaims>> ValidateAsync(JsonWebToken parsed)
    {
        var invalid = Invalid;
        foreach (var header in s_forbiddenHeaders)
        {
            if (parsed.TryGetHeaderValue<object>(header, out _))
                return invalid;
        }

        var result = await _handler.ValidateTokenAsync(parsed, Parameters());
        if (!result.IsValid)
            return invalid;

        // Lifetime is checked here rather than by the handler so that it follows the injected clock.
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)ClockSkew.TotalSeconds;
        if (!parsed.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var expires))
            return invalid;
        if (parsed.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var notBefore) && notBefore > now + skew)
            return invalid;
        if (expires <= now - skew)
            return new Failure(ErrorCode.TokenExpired, "The access token has expired.");
        if (!parsed.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt) || issuedAt > now + skew)
            return invalid;

        if (!parsed.TryGetPayloadValue<string>(CurrentUser.UserIdClaim, out var userId) || string.IsNullOrEmpty(userId)
            || !parsed.TryGetPayloadValue<string>(CurrentUser.SessionIdClaim, out var sessionId) || string.IsNullOrEmpty(sessionId)
            || !parsed.TryGetPayloadValue<int>(GenerationClaim, out var generation)
            || generation < 1
            || !parsed.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out _))
            return invalid;
        return new AccessTokenClaims(userId, sessionId, generation, DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidAudience = options.Value.Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        // RFC 9068 §4: "at+jwt", and its full media-type form.
        ValidTypes = [TokenType, "application/" + TokenType],
        TryAllIssuerSigningKeys = false,
        IssuerSigningKeyResolver = (_, _, kid, _) => keys.Find(kid) is { } key ? [key] : [],
    };
}
