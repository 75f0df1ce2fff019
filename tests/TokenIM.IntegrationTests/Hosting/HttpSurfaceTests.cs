using System.Net;
using System.Text.Json;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Hosting;

public sealed class HttpSurfaceTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task OpenApiDocument_DescribesEveryRestRoute()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout",
            "/api/v1/auth/password", "/api/v1/auth/sessions", "/api/v1/auth/sessions/{id}", "/api/v1/users/me",
            "/api/v1/users/{id}", "/api/v1/users", "/api/v1/conversations", "/api/v1/conversations/{id}",
            "/api/v1/conversations/{id}/members", "/api/v1/conversations/{id}/members/{userId}",
            "/api/v1/conversations/{id}/messages", "/api/v1/conversations/{id}/read", "/.well-known/jwks.json",
            "/api/v1/diagnostics",
        ];
        Assert.All(expected, path => Assert.Contains(path, paths));
    }

    /// <summary>
    /// Found by the message fuzzer: the 413 left the connection looking reusable while the server closed it (the body
    /// was never read), so a client's next request on it ended without an answer.
    /// </summary>
    [Fact]
    public async Task Body_OverTheLimit_413SaysConnectionClose()
    {
        using var body = new StringContent($"{{\"refreshToken\":\"{new string('m', 1024 * 1024)}\"}}", System.Text.Encoding.UTF8, "application/json");

        var response = await factory.CreateClient().PostAsync("/api/v1/auth/refresh", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose, $"Connection: {string.Join(", ", response.Headers.Connection)}");
    }

    [Fact]
    public async Task Diagnostics_OffByDefault_AnswersNotFound()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/diagnostics?collect=true");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task InteractiveDocs_AreServedWithoutExternalScripts()
    {
        var client = factory.CreateClient();

        var response = await client.GetAsync("/docs/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("cdn.", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        await (await factory.CreateClient().GetAsync("/api/v1/nothing-here")).ReadProblemAsync(ErrorCode.NotFound);
    }

    [Fact]
    public async Task WrongMethod_Returns405Problem()
    {
        await (await factory.CreateClient().DeleteAsync("/api/v1/auth/login")).ReadProblemAsync(ErrorCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders_AndNoServerHeader()
    {
        var response = await factory.CreateClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public void ErrorCatalogue_CodesAreUniqueSnakeCase()
    {
        var codes = ErrorCode.All.Select(c => c.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z]+(_[a-z]+)*$", c));
        Assert.All(ErrorCode.All, c => Assert.InRange(c.Status, 400, 599));
    }
}
