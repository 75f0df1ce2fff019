using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>A signed-in test user: its tokens and an HttpClient that sends its access token.</summary>
public sealed record TestUser(UserDto User, string Password, TokenResponse Tokens, HttpClient Client)
{
    public string Id => User.Id;

    public string Username => User.Username;
}

/// <summary>Small helpers over HttpClient speaking the protocol's JSON.</summary>
public static class Api
{
    public static JsonSerializerOptions Json { get; } = ProtocolJsonContext.Default.Options;

    public const string DefaultPassword = "correct horse battery staple";

    public static async Task<TestUser> RegisterAsync(this TokenImFactory factory, string? username = null, string password = DefaultPassword, string? displayName = null)
    {
        var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register",
            new RegisterRequest(username ?? factory.NextUsername(), password, displayName), Json);
        var tokens = await response.ReadAsync<TokenResponse>(HttpStatusCode.Created);
        return new TestUser(tokens.User, password, tokens, factory.ClientWith(tokens.AccessToken));
    }

    public static HttpClient ClientWith(this TokenImFactory factory, string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PostAsJsonAsync(path, body, Json);

    public static Task<HttpResponseMessage> PatchJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PatchAsJsonAsync(path, body, Json);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>Asserts a Problem Details answer with the given status and code, and returns it.</summary>
    public static async Task<ProblemDto> ReadProblemAsync(this HttpResponseMessage response, ErrorCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected.Status, $"Expected {expected.Status} {expected.Code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ProblemDto>(body, Json)!;
        Assert.Equal(expected.Code, problem.Code);
        Assert.Equal(expected.Status, problem.Status);
        return problem;
    }
}
