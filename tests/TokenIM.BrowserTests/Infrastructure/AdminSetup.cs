using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Storage;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// What the admin console's tests set up around the browser: the admin role, a server API key, signed-in REST users
/// and their traffic. In-process through the server's services: a test server has no local admin socket.
/// </summary>
internal static class AdminSetup
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<string> UserIdAsync(this BrowserServerFactory server, string username) =>
        (await server.Services.GetRequiredService<IAccountStore>().FindUserByUsernameAsync(username, Ct))?.Id
        ?? throw new InvalidOperationException($"No user {username}.");

    public static async Task MakeAdminAsync(this BrowserServerFactory server, string username)
    {
        var made = await server.Services.GetRequiredService<ServerUserService>()
            .SetAdminAsync(await server.UserIdAsync(username), new SetAdminRequest(true), Ct);
        Assert.True(made.IsSuccess, made.Error?.Detail);
    }

    /// <summary>An HttpClient on the server API with a key of every scope.</summary>
    public static async Task<HttpClient> ServerApiAsync(this BrowserServerFactory server)
    {
        var created = await server.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest("browser test", [.. ServerScopes.All]), Ct);
        return server.Client(created.Value!.Token);
    }

    /// <summary>Registers a user over REST and returns a client signed in as them.</summary>
    public static async Task<(UserDto User, HttpClient Client)> SignedInAsync(this BrowserServerFactory server, string username)
    {
        using var anonymous = server.Client(null);
        var response = await anonymous.PostAsJsonAsync("api/v1/auth/register", new RegisterRequest(username, ChatApp.Password), Json, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, Ct))!;
        return (tokens.User, server.Client(tokens.AccessToken));
    }

    public static HttpClient Client(this BrowserServerFactory server, string? bearer)
    {
        var client = new HttpClient { BaseAddress = server.BaseUri };
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, Json)!;
    }

    public static System.Text.Json.JsonSerializerOptions Json => ProtocolJsonContext.Default.Options;
}
