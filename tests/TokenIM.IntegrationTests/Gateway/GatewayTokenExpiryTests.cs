using System.Diagnostics;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>A socket outlives its access token only until the grace ends (here none), unless a <c>refresh</c> frame brought a newer one.</summary>
public sealed class GatewayTokenExpiryTests
{
    [Fact]
    public async Task TokenExpires_NoRefresh_Closed4001AndRefreshedSocketSurvives()
    {
        using var own = new LiveTokenImFactory();
        own.Settings["TokenIM:Gateway:TokenExpiryGrace"] = "00:00:00";
        _ = own.BaseUri;
        var user = await own.RegisterAsync();
        var forge = new TokenForge(own.DataDirectory);
        var now = DateTimeOffset.UtcNow;

        // Valid tokens of the user's session (generation 1, as issued at registration) that expire in a few seconds.
        string ExpiringIn(int seconds)
        {
            var claims = TokenForge.Claims(user.Id, user.Tokens.SessionId, now);
            claims["exp"] = now.AddSeconds(seconds).ToUnixTimeSeconds();
            return forge.Sign(claims, kid: forge.KeyId);
        }

        var shortToken = ExpiringIn(2);
        await using var expiring = await RawSocket.ReadyAsync(own.BaseUri, shortToken);
        await using var refreshed = await RawSocket.ReadyAsync(own.BaseUri, shortToken);
        // A second clock: it expires two seconds later, so its close comes at a later expiry check than the first.
        await using var expiringLater = await RawSocket.ReadyAsync(own.BaseUri, ExpiringIn(4));
        await refreshed.SendAsync(new { op = "refresh", id = "r1", token = user.Tokens.AccessToken });
        var ok = await refreshed.ReceiveAsync();
        Assert.Equal(("ok", "r1"), (ok.Op(), ok.Str("re")));
        var clock = Stopwatch.StartNew();

        Assert.Equal(4001, await expiring.ReceiveCloseAsync());
        var firstClose = clock.Elapsed;
        Assert.Equal(4001, await expiringLater.ReceiveCloseAsync());

        // Past the old expiry by at least one more check: the refreshed socket is still open and answers.
        await refreshed.ExpectQuietAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"token expiry: exp_in_s=2 closed_after_ms={(long)firstClose.TotalMilliseconds} second_clock_closed_after_ms={(long)clock.Elapsed.TotalMilliseconds}");
        Assert.True(firstClose < TimeSpan.FromSeconds(5), $"Closed {firstClose} after the token had some 2 s left");
    }
}
