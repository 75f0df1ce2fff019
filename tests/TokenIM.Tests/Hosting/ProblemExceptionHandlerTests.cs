using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Hosting;

public sealed class ProblemExceptionHandlerTests
{
    private static async Task<(int Status, string Body)> HandleAsync(Exception exception)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var handler = new ProblemExceptionHandler(NullLogger<ProblemExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task UnexpectedException_Gives500WithoutAnyDetailOfIt()
    {
        var secret = new InvalidOperationException("SELECT PasswordHash FROM users -- eyJhbGciOiJFUzI1NiJ9.secret.token");

        var (status, body) = await HandleAsync(secret);

        Assert.Equal(500, status);
        Assert.Equal("internal_error", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("SELECT", body, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "malformed_request")]
    [InlineData(408, "request_timeout")]
    [InlineData(413, "request_too_large")]
    public async Task BadRequestException_MapsToItsCode(int statusCode, string code)
    {
        var (status, body) = await HandleAsync(new BadHttpRequestException("Unexpected end of JSON input", statusCode));

        Assert.Equal(statusCode, status);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }
}
