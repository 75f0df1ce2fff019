using Microsoft.Extensions.DependencyInjection;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

internal static class ServerApiHelpers
{
    public const string Base = "/api/v1/server";

    /// <summary>
    /// A new API key with exactly <paramref name="scopes"/>. Made through the service, as the local socket would: a
    /// test server has no sockets (LocalAdminSocketTests covers that path).
    /// </summary>
    public static async Task<string> CreateKeyAsync(this TokenImFactory factory, params string[] scopes)
    {
        var created = await factory.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest("test", scopes), CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return created.Value!.Token;
    }

    /// <summary>The SDK's server client with a key of <paramref name="scopes"/> (every scope when none are named).</summary>
    public static async Task<TokenImServerClient> ServerClientAsync(this TokenImFactory factory, params string[] scopes) =>
        new(factory.CreateClient(), await factory.CreateKeyAsync(scopes.Length == 0 ? [.. ServerScopes.All] : scopes));

    /// <summary>A user made through the server API with a unique username.</summary>
    public static Task<ServerUserDto> CreateUserAsync(this TokenImServerClient server, TokenImFactory factory, string? externalId = null, string? password = null) =>
        server.CreateUserAsync(new ServerCreateUserRequest(factory.NextUsername("app"), null, externalId, password));
}
