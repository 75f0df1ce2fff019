using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>Who may call the server API: API keys only, each route needing exactly its scope; keys never work elsewhere.</summary>
public sealed class ServerApiAuthTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    /// <summary>Every server API route and the one scope it needs: adding a route without adding it here fails.</summary>
    private static readonly Dictionary<string, string> s_routes = new()
    {
        ["POST /api/v1/server/users/"] = ServerScopes.UsersWrite,
        ["GET /api/v1/server/users/{id}"] = ServerScopes.UsersRead,
        ["GET /api/v1/server/users/by-external-id/{externalId}"] = ServerScopes.UsersRead,
        ["PATCH /api/v1/server/users/{id}"] = ServerScopes.UsersWrite,
        ["POST /api/v1/server/users/{id}/disable"] = ServerScopes.UsersWrite,
        ["POST /api/v1/server/users/{id}/enable"] = ServerScopes.UsersWrite,
        ["POST /api/v1/server/users/{id}/tokens"] = ServerScopes.TokensMint,
        ["POST /api/v1/server/users/{id}/sign-out"] = ServerScopes.SessionsRevoke,
        ["POST /api/v1/server/api-keys/"] = ServerScopes.ApiKeysManage,
        ["GET /api/v1/server/api-keys/"] = ServerScopes.ApiKeysManage,
        ["DELETE /api/v1/server/api-keys/{id}"] = ServerScopes.ApiKeysManage,
        ["POST /api/v1/server/webhooks/"] = ServerScopes.WebhooksManage,
        ["GET /api/v1/server/webhooks/"] = ServerScopes.WebhooksManage,
        ["GET /api/v1/server/webhooks/{id}"] = ServerScopes.WebhooksManage,
        ["PATCH /api/v1/server/webhooks/{id}"] = ServerScopes.WebhooksManage,
        ["DELETE /api/v1/server/webhooks/{id}"] = ServerScopes.WebhooksManage,
        ["POST /api/v1/server/webhooks/{id}/roll-secret"] = ServerScopes.WebhooksManage,
        ["GET /api/v1/server/webhooks/{id}/deliveries"] = ServerScopes.WebhooksManage,
        ["POST /api/v1/server/webhooks/{id}/deliveries/{deliveryId}/retry"] = ServerScopes.WebhooksManage,
        ["POST /api/v1/server/conversations/"] = ServerScopes.ConversationsWrite,
        ["GET /api/v1/server/conversations/{id}"] = ServerScopes.ConversationsRead,
        ["POST /api/v1/server/conversations/{id}/members"] = ServerScopes.ConversationsWrite,
        ["DELETE /api/v1/server/conversations/{id}/members/{userId}"] = ServerScopes.ConversationsWrite,
        ["POST /api/v1/server/conversations/{id}/messages"] = ServerScopes.MessagesWrite,
        ["GET /api/v1/server/conversations/{id}/messages"] = ServerScopes.ConversationsRead,
        ["GET /api/v1/server/signing-keys/"] = ServerScopes.SigningKeysManage,
        ["POST /api/v1/server/signing-keys/rotate"] = ServerScopes.SigningKeysManage,
        ["GET /api/v1/server/users/"] = ServerScopes.UsersRead,
        ["GET /api/v1/server/users/{id}/sessions"] = ServerScopes.UsersRead,
        ["DELETE /api/v1/server/users/{id}/sessions/{sessionId}"] = ServerScopes.SessionsRevoke,
        ["GET /api/v1/server/stats"] = ServerScopes.StatsRead,
        ["PUT /api/v1/server/users/{id}/admin"] = ServerScopes.UsersWrite,
        ["GET /api/v1/server/conversations"] = ServerScopes.ConversationsRead,
    };

    private List<(string Method, string Pattern, string Scope)> ServerRoutes() =>
    [
        .. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(ServerApiHelpers.Base, StringComparison.Ordinal))
            .Select(e => (
                Assert.Single(e.Metadata.GetRequiredMetadata<HttpMethodMetadata>().HttpMethods),
                e.RoutePattern.RawText!,
                Assert.Single(e.Metadata.GetOrderedMetadata<RequiredScope>()).Scope)),
    ];

    private static HttpRequestMessage Request(string method, string pattern, string key)
    {
        // Every path parameter ({id}, {userId}, {deliveryId}…) names nothing: authorization is decided before the lookup.
        var path = Regex.Replace(pattern, @"\{[^}]+\}", "no-such-id");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (method is "POST" or "PATCH" or "PUT")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    [Fact]
    public void ServerRoutes_EachNeedsExactlyOneScope_TheOneInTheTable()
    {
        var routes = ServerRoutes();

        Assert.Equal(
            s_routes.OrderBy(r => r.Key, StringComparer.Ordinal),
            routes.Select(r => KeyValuePair.Create($"{r.Method} {r.Pattern}", r.Scope)).OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ServerRoutes_KeyWithEveryOtherScope_Is403NamingTheMissingScope()
    {
        var client = factory.CreateClient();
        foreach (var (method, pattern, scope) in ServerRoutes())
        {
            var key = await factory.CreateKeyAsync([.. ServerScopes.All.Where(s => s != scope)]);

            var problem = await (await client.SendAsync(Request(method, pattern, key))).ReadProblemAsync(ErrorCode.InsufficientScope);

            Assert.Contains($"'{scope}'", problem.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ServerRoutes_KeyWithOnlyThatScope_IsLetThrough()
    {
        var client = factory.CreateClient();
        foreach (var (method, pattern, scope) in ServerRoutes())
        {
            var key = await factory.CreateKeyAsync(scope);

            var response = await client.SendAsync(Request(method, pattern, key));

            // Past authorization: answered by the route itself (created, not found, or a validation failure).
            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                $"{method} {pattern} with {scope}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task ServerApi_NonAdminAccessToken_Is403InsufficientScope()
    {
        var user = await factory.RegisterAsync();

        var response = await user.Client.GetAsync($"{ServerApiHelpers.Base}/users/{user.Id}");

        await response.ReadProblemAsync(ErrorCode.InsufficientScope);
    }

    [Fact]
    public async Task UserApi_ApiKey_Is401InvalidToken()
    {
        var key = await factory.CreateKeyAsync([.. ServerScopes.All]);
        var client = factory.ClientWith(key);

        await (await client.GetAsync("/api/v1/users/me")).ReadProblemAsync(ErrorCode.InvalidToken);
        await (await client.GetAsync("/api/v1/conversations")).ReadProblemAsync(ErrorCode.InvalidToken);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("tim_")]
    [InlineData("tim_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task ServerApi_MissingMalformedOrUnknownKey_Is401InvalidApiKey(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{ServerApiHelpers.Base}/api-keys");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization.StartsWith("Basic", StringComparison.Ordinal) ? authorization : "Bearer " + authorization);

        var response = await factory.CreateClient().SendAsync(request);

        await response.ReadProblemAsync(ErrorCode.InvalidApiKey);
    }

    [Fact]
    public async Task ServerApi_RightIdWrongSecret_Is401InvalidApiKey()
    {
        var key = await factory.CreateKeyAsync(ServerScopes.ApiKeysManage);
        var forged = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        await (await factory.ClientWith(forged).GetAsync($"{ServerApiHelpers.Base}/api-keys")).ReadProblemAsync(ErrorCode.InvalidApiKey);
    }

    [Fact]
    public async Task RevokeKey_NextRequestWithIt_Is401InvalidApiKey()
    {
        var admin = await factory.ServerClientAsync(ServerScopes.ApiKeysManage);
        var created = await admin.CreateApiKeyAsync("doomed", [ServerScopes.UsersRead]);
        var doomed = factory.ClientWith(created.Token);
        var user = await factory.RegisterAsync();
        Assert.Equal(HttpStatusCode.OK, (await doomed.GetAsync($"{ServerApiHelpers.Base}/users/{user.Id}")).StatusCode);

        await admin.RevokeApiKeyAsync(created.Key.Id);

        await (await doomed.GetAsync($"{ServerApiHelpers.Base}/users/{user.Id}")).ReadProblemAsync(ErrorCode.InvalidApiKey);
        var listed = Assert.Single(await admin.ListApiKeysAsync(), k => k.Id == created.Key.Id);
        Assert.NotNull(listed.RevokedAt);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("users:*")]
    [InlineData("admin")]
    public async Task CreateKey_WildcardOrUnknownScope_Is400ListingTheScopes(string scope)
    {
        var admin = factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.ApiKeysManage));

        var response = await admin.PostJsonAsync($"{ServerApiHelpers.Base}/api-keys", new CreateApiKeyRequest("bad", [scope]));

        var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.Contains(ServerScopes.MessagesWrite, Assert.Single(problem.Errors!["scopes"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateKey_TokenInTheAnswerOnly_NeverInTheList()
    {
        var admin = await factory.ServerClientAsync(ServerScopes.ApiKeysManage);

        var created = await admin.CreateApiKeyAsync("shown once", [ServerScopes.UsersRead, ServerScopes.TokensMint]);

        Assert.StartsWith($"tim_{created.Key.Id}_", created.Token, StringComparison.Ordinal);
        Assert.Equal([ServerScopes.UsersRead, ServerScopes.TokensMint], created.Key.Scopes);
        var list = await factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.ApiKeysManage))
            .GetStringAsync($"{ServerApiHelpers.Base}/api-keys");
        Assert.Contains(created.Key.Id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token[(5 + created.Key.Id.Length)..], list, StringComparison.Ordinal);
    }
}
