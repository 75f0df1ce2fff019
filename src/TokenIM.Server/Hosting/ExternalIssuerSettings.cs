using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TokenIM.Server.Auth;

namespace TokenIM.Server.Hosting;

/// <summary>
/// One identity provider whose access tokens TokenIM accepts beside its own (<c>TokenIM:ExternalIssuers:N:…</c>). A
/// token is routed by its <c>iss</c>: this issuer's tokens are checked against this issuer's keys and audience only.
/// </summary>
internal sealed class ExternalIssuerSettings
{
    /// <summary>The algorithms an issuer may be allowed: asymmetric only. <c>none</c> and <c>HS*</c> are never accepted.</summary>
    public static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The exact <c>iss</c> of the provider's tokens; unique, and not TokenIM's own <c>TokenIM:Issuer</c>. Required; the default is none.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> the provider puts in tokens meant for TokenIM (exact match; an array must hold it). Required; the default is none.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// A JWKS file (<c>{"keys":[…]}</c>) with the provider's public keys (RSA of at least 2048 bits or EC; no
    /// <c>oct</c> keys, no private parts); re-read when it changes (checked at most once a second) or when a token names
    /// an unknown <c>kid</c> (at most once a minute). Exactly one of this and <see cref="PublicKeyFile"/>.
    /// </summary>
    public string? JwksFile { get; set; }

    /// <summary>A PEM file with one public key (RSA or EC, <c>BEGIN PUBLIC KEY</c>); re-read when it changes; the token's <c>kid</c> is not checked against it. This or <see cref="JwksFile"/>.</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>
    /// The <c>alg</c> values accepted, from RS256/384/512, PS256/384/512 and ES256/384/512 (<c>none</c> and <c>HS*</c>
    /// are never accepted). The default (none listed) is <c>RS256</c> and <c>ES256</c>.
    /// </summary>
    // Empty in code on purpose: the configuration binder merges a listed array into a non-empty default, so
    // Algorithms:0=ES256 would have left RS256 allowed (ExternalIssuerTests caught it).
    public string[] Algorithms { get; set; } = [];

    /// <summary><see cref="Algorithms"/>, or the default when none are listed.</summary>
    public string[] AcceptedAlgorithms => Algorithms.Length > 0 ? Algorithms : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>When set, the token's <c>typ</c> header must be this (e.g. <c>at+jwt</c>, so the provider's ID tokens are refused). The default is none: <c>typ</c> is not checked.</summary>
    public string? TokenType { get; set; }

    /// <summary>Clock difference tolerated on <c>exp</c>, <c>nbf</c> and <c>iat</c>. The default is 30 seconds; at most 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tokens whose <c>exp</c> − <c>iat</c> is longer are refused (and so are tokens without <c>iat</c>: it is required). The default is 1 hour; 1 minute to 24 hours.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The claim that names the user; its value (after <see cref="ExternalIdPrefix"/>) is the user's external id. The default is <c>sub</c>.</summary>
    public string UserClaim { get; set; } = "sub";

    /// <summary>
    /// Put before the claim's value to make the external id, so that two providers' equal <c>sub</c> values stay two
    /// users. Issuers may not share a prefix. The default is none (the <c>sub</c> is the external id as is).
    /// </summary>
    public string ExternalIdPrefix { get; set; } = string.Empty;

    /// <summary>Create the user on the first token whose external id TokenIM does not know. The default is <c>false</c>: such tokens get <c>401 unknown_external_user</c>.</summary>
    public bool AutoCreateUsers { get; set; }

    /// <summary>The claim a created user's username is made from (made valid and unique). The default is <c>preferred_username</c>.</summary>
    public string UsernameClaim { get; set; } = "preferred_username";

    /// <summary>The claim a created user's display name is taken from. The default is <c>name</c>.</summary>
    public string DisplayNameClaim { get; set; } = "name";

    /// <summary>The key file this issuer names (the JWKS file or the PEM file).</summary>
    public string KeyFile => JwksFile ?? PublicKeyFile ?? string.Empty;
}

/// <summary>Checks <c>TokenIM:ExternalIssuers</c> at start-up: one clear message per bad value, key files loaded once to prove them.</summary>
internal sealed class ExternalIssuerSettingsValidator : IValidateOptions<TokenImOptions>
{
    private static readonly TimeSpan s_maxSkew = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, TokenImOptions options)
    {
        var failures = new List<string>();
        var issuers = new HashSet<string>(StringComparer.Ordinal) { options.Issuer };
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ExternalIssuers.Length; i++)
        {
            var issuer = options.ExternalIssuers[i];
            var at = $"{TokenImOptions.Section}:ExternalIssuers:{i}";
            if (string.IsNullOrWhiteSpace(issuer.Issuer))
                failures.Add($"{at}:Issuer is required.");
            else if (!issuers.Add(issuer.Issuer))
                failures.Add($"{at}:Issuer '{issuer.Issuer}' is TokenIM's own issuer or listed twice; tokens are routed by iss, so each must be unique.");
            if (string.IsNullOrWhiteSpace(issuer.Audience))
                failures.Add($"{at}:Audience is required.");
            if (!prefixes.Add(issuer.ExternalIdPrefix))
                failures.Add($"{at}:ExternalIdPrefix '{issuer.ExternalIdPrefix}' is another issuer's too: their users' ids would collide; give each issuer its own prefix.");
            foreach (var algorithm in issuer.Algorithms.Where(a => !ExternalIssuerSettings.AllowedAlgorithms.Contains(a, StringComparer.Ordinal)))
                failures.Add($"{at}:Algorithms: '{algorithm}' is not accepted; use {string.Join(", ", ExternalIssuerSettings.AllowedAlgorithms)} (never none or HS*).");
            if (issuer.ClockSkew < TimeSpan.Zero || issuer.ClockSkew > s_maxSkew)
                failures.Add($"{at}:ClockSkew must be between 00:00:00 and 00:05:00.");
            if (issuer.MaxLifetime < TimeSpan.FromMinutes(1) || issuer.MaxLifetime > TimeSpan.FromHours(24))
                failures.Add($"{at}:MaxLifetime must be between 00:01:00 and 1.00:00:00.");
            foreach (var (claim, value) in new[] { ("UserClaim", issuer.UserClaim), ("UsernameClaim", issuer.UsernameClaim), ("DisplayNameClaim", issuer.DisplayNameClaim) })
            {
                if (string.IsNullOrWhiteSpace(value))
                    failures.Add($"{at}:{claim} must name a claim.");
            }

            if (issuer.ExternalIdPrefix.Length > 32 || issuer.ExternalIdPrefix.Any(char.IsControl))
                failures.Add($"{at}:ExternalIdPrefix is at most 32 characters, without control characters.");
            if (string.IsNullOrWhiteSpace(issuer.JwksFile) == string.IsNullOrWhiteSpace(issuer.PublicKeyFile))
                failures.Add($"{at}: set exactly one of JwksFile and PublicKeyFile.");
            else if (ExternalIssuerKeys.TryLoad(issuer, out _) is { } keyError)
                failures.Add($"{at}:{(issuer.JwksFile is not null ? "JwksFile" : "PublicKeyFile")}: {keyError}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
