using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Client;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>
/// The admin console's way into the server API: an admin's own access token opens exactly the console's scopes, a
/// non-admin's none, and a demotion or a disable counts from the next request; API keys work as before.
/// </summary>
public sealed class ConsoleAuthTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TestUser> AdminAsync()
    {
        var user = await factory.RegisterAsync(factory.NextUsername("admin"));
        using var server = await factory.ServerClientAsync(ServerScopes.UsersWrite);
        Assert.True((await server.SetAdminAsync(user.Id, true, Ct)).IsAdmin);
        return user;
    }

    private List<(string Method, string Path, string Scope)> ServerRoutes() =>
    [
        .. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(ServerApiHelpers.Base, StringComparison.Ordinal))
            .Select(e => (
                e.Metadata.GetRequiredMetadata<HttpMethodMetadata>().HttpMethods[0],
                Regex.Replace(e.RoutePattern.RawText!, @"\{[^}]+\}", "no-such-id"),
                e.Metadata.GetRequiredMetadata<RequiredScope>().Scope)),
    ];

    private static HttpRequestMessage Request(string method, string path, string token)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method is "POST" or "PATCH" or "PUT")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    [Fact]
    public async Task ServerRoutes_AdminToken_ConsoleScopesPassOthers403()
    {
        var admin = await AdminAsync();
        var client = factory.CreateClient();
        var (passed, refused) = (0, 0);

        foreach (var (method, path, scope) in ServerRoutes())
        {
            using var response = await client.SendAsync(Request(method, path, admin.Tokens.AccessToken), Ct);
            if (ServerScopes.Console.Contains(scope))
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    $"{method} {path} ({scope}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                passed++;
            }
            else
            {
                var problem = await response.ReadProblemAsync(ErrorCode.InsufficientScope);
                Assert.Contains($"'{scope}'", problem.Detail, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(passed > 10 && refused >= 5, $"passed={passed} refused={refused}");
    }

    [Fact]
    public async Task ConsoleScopes_NeverMintSendOrImpersonate()
    {
        Assert.DoesNotContain(ServerScopes.TokensMint, ServerScopes.Console);
        Assert.DoesNotContain(ServerScopes.MessagesWrite, ServerScopes.Console);
        Assert.DoesNotContain(ServerScopes.ConversationsWrite, ServerScopes.Console);
        var admin = await AdminAsync();
        var victim = await factory.RegisterAsync();

        var mint = await admin.Client.PostJsonAsync($"{ServerApiHelpers.Base}/users/{victim.Id}/tokens", new MintTokenRequest());

        await mint.ReadProblemAsync(ErrorCode.InsufficientScope);
    }

    [Fact]
    public async Task ServerApi_NonAdminToken_403OnEveryRoute()
    {
        var user = await factory.RegisterAsync();
        var client = factory.CreateClient();

        foreach (var (method, path, _) in ServerRoutes())
            await (await client.SendAsync(Request(method, path, user.Tokens.AccessToken), Ct)).ReadProblemAsync(ErrorCode.InsufficientScope);
    }

    [Fact]
    public async Task DemoteAdmin_NextRequest_Is403()
    {
        var admin = await AdminAsync();
        using var console = new TokenImServerClient(factory.CreateClient(), admin.Tokens.AccessToken);
        Assert.NotNull(await console.GetStatsAsync(Ct));
        using var server = await factory.ServerClientAsync(ServerScopes.UsersWrite);

        await server.SetAdminAsync(admin.Id, false, Ct);

        var refused = await Assert.ThrowsAsync<TokenImApiException>(() => console.GetStatsAsync(Ct));
        Assert.Equal(ErrorCode.InsufficientScope.Code, refused.Code);
    }

    [Fact]
    public async Task DisableAdmin_NextRequest_Is401()
    {
        var admin = await AdminAsync();
        var other = await AdminAsync();
        using var console = new TokenImServerClient(factory.CreateClient(), admin.Tokens.AccessToken);
        Assert.NotNull(await console.GetStatsAsync(Ct));
        using var otherConsole = new TokenImServerClient(factory.CreateClient(), other.Tokens.AccessToken);

        await otherConsole.DisableUserAsync(admin.Id, Ct);

        var refused = await Assert.ThrowsAsync<TokenImApiException>(() => console.GetStatsAsync(Ct));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task SignOutAdminEverywhere_NextRequest_Is401SessionRevoked()
    {
        var admin = await AdminAsync();
        using var server = await factory.ServerClientAsync(ServerScopes.SessionsRevoke);

        await server.SignOutUserAsync(admin.Id, Ct);

        await (await admin.Client.GetAsync($"{ServerApiHelpers.Base}/stats", Ct)).ReadProblemAsync(ErrorCode.SessionRevoked);
    }

    [Fact]
    public async Task ApiKey_WithAdminsAround_WorksAsBefore()
    {
        await AdminAsync();
        using var server = await factory.ServerClientAsync(ServerScopes.TokensMint, ServerScopes.UsersWrite);
        var user = await server.CreateUserAsync(factory);

        Assert.False(string.IsNullOrEmpty((await server.MintTokenAsync(user.Id, null, Ct)).AccessToken));
    }

    [Fact]
    public async Task UsersMe_Admin_IsAdminTrue_OthersNeverSeeIt()
    {
        var admin = await AdminAsync();
        var other = await factory.RegisterAsync();

        var me = await (await admin.Client.GetAsync("/api/v1/users/me", Ct)).ReadAsync<UserDto>();
        var seen = await (await other.Client.GetAsync($"/api/v1/users/{admin.Id}", Ct)).Content.ReadAsStringAsync(Ct);
        var otherMe = await (await other.Client.GetAsync("/api/v1/users/me", Ct)).Content.ReadAsStringAsync(Ct);

        Assert.True(me.IsAdmin);
        Assert.DoesNotContain("isAdmin", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("isAdmin", otherMe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAdmin_UnknownUserOrMissingFlag_404Or400()
    {
        using var server = await factory.ServerClientAsync(ServerScopes.UsersWrite);
        var http = factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.UsersWrite));

        var unknown = await Assert.ThrowsAsync<TokenImApiException>(() => server.SetAdminAsync("no-such-user", true, Ct));
        var user = await factory.RegisterAsync();
        var missing = await http.PutAsync($"{ServerApiHelpers.Base}/users/{user.Id}/admin", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(ErrorCode.UserNotFound.Code, unknown.Code);
        await missing.ReadProblemAsync(ErrorCode.ValidationFailed);
    }

    [Fact]
    public async Task FindConversations_ByTitlePartOrId_WithMemberCount()
    {
        var admin = await AdminAsync();
        var owner = await factory.RegisterAsync();
        var peer = await factory.RegisterAsync();
        var title = $"Quarterly Review {Guid.NewGuid():N}"[..30];
        var group = await owner.CreateGroupAsync(title, peer);
        using var console = new TokenImServerClient(factory.CreateClient(), admin.Tokens.AccessToken);

        var byTitle = Assert.Single(await console.FindConversationsAsync(title[10..].ToUpperInvariant(), cancellationToken: Ct));
        var byId = Assert.Single(await console.FindConversationsAsync(group.Id, cancellationToken: Ct));
        var members = await console.GetConversationAsync(group.Id, Ct);

        Assert.Equal((group.Id, 2, title), (byTitle.Id, byTitle.MemberCount, byTitle.Title));
        Assert.Equal(group.Id, byId.Id);
        Assert.Equal(new[] { owner.Id, peer.Id }.Order(), members.Members.Select(m => m.UserId).Order());
    }
}
