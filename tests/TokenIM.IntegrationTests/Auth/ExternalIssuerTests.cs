using System.Text;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

/// <summary>
/// External issuers' tokens against the three ways in (REST, the socket's header, the socket's auth frame): each
/// valid one gets in on all three, each defective one is refused on all three with its own code — the REST status
/// and code, the refused upgrade's status, the first-frame close 4001 with the code as its reason.
/// </summary>
public sealed class ExternalIssuerTests(ExternalIssuerServer idps) : IClassFixture<ExternalIssuerServer>
{
    private sealed record Case(string Name, string Token, ErrorCode? Refusal);

    [Fact]
    public async Task ExternalTokens_OnRestAndBothSocketPaths_AcceptedWhenValidRefusedWithTheirCode()
    {
        var cases = await BuildCasesAsync();
        var failures = new List<string>();
        int valid = 0, accepted = 0, invalid = 0, refused = 0;
        foreach (var (name, token, refusal) in cases)
        {
            var rest = await idps.RestAsync(token);
            var header = await idps.HeaderSocketAsync(token);
            var frame = await idps.FrameSocketAsync(token);
            var got = $"rest {rest.Status} {rest.Code}; header {header}; frame {frame}";
            bool ok;
            if (refusal is null)
            {
                valid++;
                ok = rest.Status == 200 && header == "ready" && frame == "ready";
                accepted += ok ? 1 : 0;
            }
            else
            {
                invalid++;
                ok = rest.Status == refusal.Status && rest.Code == refusal.Code
                    && header == $"http {refusal.Status}" && frame == $"close 4001 {refusal.Code}";
                refused += ok ? 1 : 0;
            }

            if (!ok)
                failures.Add($"{name}: expected {refusal?.Code ?? "accepted"}, got {got}");
        }

        Figures.Print($"external-issuer-matrix: cases={cases.Count} paths=3 accepted_when_valid={accepted}/{valid} refused_when_invalid={refused}/{invalid}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(valid >= 4 && invalid >= 20, $"only {valid} valid and {invalid} invalid cases");
    }

    private async Task<List<Case>> BuildCasesAsync()
    {
        var (a, b, c) = (idps.A, idps.B, idps.C);
        using var server = await idps.Server.ServerClientAsync();
        var known = idps.NextSubject("alice");
        await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, known, null));
        var disabled = idps.NextSubject("dora");
        var disabledUser = await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, disabled, null));
        await server.DisableUserAsync(disabledUser.Id);
        var signedOut = idps.NextSubject("sam");
        var signedOutUser = await server.CreateUserAsync(new ServerCreateUserRequest(idps.Server.NextUsername("ext"), null, signedOut, null));
        var beforeSignOut = a.Sign(a.Claims(signedOut, DateTimeOffset.UtcNow.AddSeconds(-5)), idps.ARsa);
        await server.SignOutUserAsync(signedOutUser.Id);

        var now = DateTimeOffset.UtcNow;
        Dictionary<string, object> A(Action<Dictionary<string, object>>? change = null)
        {
            var claims = a.Claims(known, now);
            change?.Invoke(claims);
            return claims;
        }

        var valid = a.Sign(A(), idps.ARsa);
        var parts = valid.Split('.');
        var tampered = $"{parts[0]}.{TokenForge.Encode(A(x => x["sub"] = disabled))}.{parts[2]}";
        var rsaPublicPem = Encoding.ASCII.GetBytes(idps.ARsa.Rsa.ExportSubjectPublicKeyInfoPem());
        var hsHeader = new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = "rsa-1" };
        var stranger = ExternalIdp.NewRsa("rsa-1");
        var invalid = ErrorCode.InvalidToken;
        return
        [
            new("A RS256 by kid", valid, null),
            new("A ES256 by kid", a.Sign(A(), idps.AEc), null),
            new("A aud as an array holding ours", a.Sign(A(x => x["aud"] = new[] { "someone-else", a.Audience }), idps.ARsa), null),
            new("B ES256 from the PEM, no kid, first use creates", b.Sign(b.Claims(idps.NextSubject("bea")), idps.BEc, kid: null), null),
            new("B ES256 at most MaxLifetime", b.Sign(b.Claims(idps.NextSubject("bea"), lifetime: TimeSpan.FromMinutes(30)), idps.BEc), null),

            new("issuer not configured", a.Sign(A(x => x["iss"] = "https://evil.test"), idps.ARsa), invalid),
            new("TokenIM's own issuer, signed by A", a.Sign(A(x => x["iss"] = "tokenim"), idps.ARsa), invalid),
            new("issuer differs by case", a.Sign(A(x => x["iss"] = "https://IDP-A.test"), idps.ARsa), invalid),
            new("wrong audience", a.Sign(A(x => x["aud"] = "tokenim"), idps.ARsa), invalid),
            new("expired", a.Sign(a.Claims(known, now.AddMinutes(-20)), idps.ARsa), ErrorCode.TokenExpired),
            new("nbf in the future", a.Sign(A(x => x["nbf"] = now.AddMinutes(5).ToUnixTimeSeconds()), idps.ARsa), invalid),
            new("iat in the future", a.Sign(A(x => x["iat"] = now.AddMinutes(5).ToUnixTimeSeconds()), idps.ARsa), invalid),
            new("no iat", a.Sign(A(x => x.Remove("iat")), idps.ARsa), invalid),
            new("no exp", a.Sign(A(x => x.Remove("exp")), idps.ARsa), invalid),
            new("lifetime over MaxLifetime", a.Sign(a.Claims(known, now, TimeSpan.FromHours(2)), idps.ARsa), invalid),
            new("alg none", TokenForge.Raw(new { alg = "none", typ = "at+jwt", kid = "rsa-1" }, A()), invalid),
            new("HS256 keyed with the RSA public key PEM", TokenForge.Hs256(hsHeader, A(), rsaPublicPem), invalid),
            new("HS256 keyed with the JWKS file", TokenForge.Hs256(hsHeader, A(), File.ReadAllBytes(idps.AJwks)), invalid),
            new("RS256 for an ES256-only issuer", c.Sign(c.Claims(idps.NextSubject("carl")), idps.CRsa), invalid),
            new("RS256 for an ES256-only PEM issuer", b.Sign(b.Claims(idps.NextSubject("bea")), idps.ARsa), invalid),
            new("unknown kid", a.Sign(A(), ExternalIdp.NewRsa("rsa-unknown")), invalid),
            new("known kid, another key", a.Sign(A(), stranger), invalid),
            new("no kid with two keys", a.Sign(A(), idps.ARsa, kid: null), invalid),
            new("EC key's kid on an RS256 token", a.Sign(A(), idps.ARsa, kid: "ec-1"), invalid),
            new("tampered payload", tampered, invalid),
            new("truncated signature", valid[..^4], invalid),
            new("no sub", a.Sign(A(x => x.Remove("sub")), idps.ARsa), invalid),
            new("empty sub", a.Sign(A(x => x["sub"] = string.Empty), idps.ARsa), invalid),
            new("jku header", a.Sign(A(), idps.ARsa, headers: new() { ["jku"] = "https://evil.test/jwks" }), invalid),
            new("jwk header with the signer's key", a.Sign(A(), stranger, headers: new() { ["jwk"] = ExternalIdp.Jwk(stranger) }), invalid),
            new("B token signed by A's EC key", b.Sign(b.Claims(idps.NextSubject("bea")), idps.AEc, kid: null), invalid),
            new("sub TokenIM does not know, no auto-create", a.Sign(a.Claims(idps.NextSubject("nobody"), now), idps.ARsa), ErrorCode.UnknownExternalUser),
            new("disabled user", a.Sign(a.Claims(disabled, now), idps.ARsa), ErrorCode.UserDisabled),
            new("issued before sign-out everywhere", beforeSignOut, ErrorCode.SessionRevoked),
        ];
    }
}
