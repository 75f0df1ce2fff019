using System.Net;
using TokenIM.IntegrationTests.Auth;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>An admin's token on the server API: limited per admin like a key, and never an external issuer's token.</summary>
public sealed class ConsoleLimitsTests(ExternalIssuerServer idps) : IClassFixture<ExternalIssuerServer>
{
    [Fact]
    public async Task RateLimit_AdminOverTheBudget_Is429_OtherAdminUnaffected()
    {
        await using var factory = new TokenImFactory();
        factory.Settings["TokenIM:RateLimits:Enabled"] = "true";
        factory.Settings["TokenIM:RateLimits:ServerApiRequestsPerKeyPerMinute"] = "2";
        using var server = await factory.ServerClientAsync(ServerScopes.UsersWrite);
        var busy = await factory.RegisterAsync();
        var quiet = await factory.RegisterAsync();
        await server.SetAdminAsync(busy.Id, true);
        await server.SetAdminAsync(quiet.Id, true);

        Assert.Equal(HttpStatusCode.OK, (await busy.Client.GetAsync($"{ServerApiHelpers.Base}/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await busy.Client.GetAsync($"{ServerApiHelpers.Base}/stats")).StatusCode);
        var refused = await busy.Client.GetAsync($"{ServerApiHelpers.Base}/stats");

        await refused.ReadProblemAsync(ErrorCode.RateLimited);
        Assert.Equal(HttpStatusCode.OK, (await quiet.Client.GetAsync($"{ServerApiHelpers.Base}/stats")).StatusCode);
    }

    [Fact]
    public async Task ServerApi_ExternalIssuersTokenOfAnAdmin_Is401()
    {
        var subject = idps.NextSubject("ext-admin");
        var token = idps.B.Sign(idps.B.Claims(subject), idps.BEc);
        var (status, _, userId) = await idps.RestAsync(token);
        Assert.Equal(200, status);
        using var server = await idps.Server.ServerClientAsync(ServerScopes.UsersWrite);
        Assert.True((await server.SetAdminAsync(userId!, true)).IsAdmin);
        using var client = idps.Server.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");

        var response = await client.GetAsync($"{ServerApiHelpers.Base}/stats");

        await response.ReadProblemAsync(ErrorCode.InvalidApiKey);
    }
}
