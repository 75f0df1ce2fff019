using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TokenIM.Protocol;

namespace TokenIM.Server.Http;

/// <summary>The one mapping of <see cref="ErrorCode"/> and <see cref="Failure"/> to RFC 9457 Problem Details.</summary>
internal static class Problems
{
    public const string TypeBase = "https://tokenim.dev/errors/";

    public static ProblemDetails Create(ErrorCode code, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + code.Code,
            Title = code.Title,
            Status = code.Status,
            Detail = detail,
        };
        problem.Extensions["code"] = code.Code;
        if (errors is not null)
            problem.Extensions["errors"] = errors;
        if (retryAfter is { } wait)
            problem.Extensions["retryAfterMs"] = (long)Math.Ceiling(wait.TotalMilliseconds);
        return problem;
    }

    public static ProblemHttpResult ToProblem(this Failure failure) =>
        TypedResults.Problem(Create(failure.Code, failure.Detail, failure.Errors, failure.RetryAfter));

    /// <summary>Writes a problem directly (middleware, challenge and rejection paths outside an endpoint).</summary>
    public static async Task WriteAsync(HttpContext context, ErrorCode code, string? detail = null, TimeSpan? retryAfter = null)
    {
        if (context.Response.HasStarted)
            return;
        context.Response.StatusCode = code.Status;
        if (retryAfter is { } wait)
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problem = Create(code, detail, retryAfter: retryAfter);
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
