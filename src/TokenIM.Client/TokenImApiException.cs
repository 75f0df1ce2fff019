using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.Client;

/// <summary>
/// The server refused a request, over REST (a Problem Details answer) or over the socket (an <c>error</c> frame
/// answering the request). Switch on <see cref="Code"/>; <see cref="ErrorCode.All"/> says what each code asks the
/// caller to do.
/// </summary>
public sealed class TokenImApiException : Exception
{
    /// <summary>The code used when an answer carries no Problem Details body (a proxy's error page, for example).</summary>
    public const string UnexpectedResponseCode = "unexpected_response";

    /// <summary>Creates the exception for a refused request.</summary>
    /// <param name="problem">The server's answer.</param>
    public TokenImApiException(ProblemDto problem)
        : base($"{problem.Status} {problem.Code}: {problem.Detail ?? problem.Title}")
    {
        ArgumentNullException.ThrowIfNull(problem);
        Problem = problem;
    }

    /// <summary>The Problem Details body as the server sent it (built from the <c>error</c> frame for socket requests).</summary>
    public ProblemDto Problem { get; }

    /// <summary>The HTTP status; for a socket error, the status the same code has on REST.</summary>
    public int Status => Problem.Status;

    /// <summary>The stable machine-readable code, for example <c>rate_limited</c>: switch on this.</summary>
    public string Code => Problem.Code;

    /// <summary>With <c>validation_failed</c>: messages per field (camelCase names). Show them to the user.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors => Problem.Errors;

    /// <summary>With <c>rate_limited</c>: how long to wait before retrying (from the body or the <c>Retry-After</c> header).</summary>
    public TimeSpan? RetryAfter => Problem.RetryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>The exception for a socket <c>error</c> frame, with the status its code has on REST.</summary>
    internal static TokenImApiException FromFrame(ErrorEvent error)
    {
        var known = ErrorCode.All.FirstOrDefault(c => c.Code == error.Code);
        return new TokenImApiException(new ProblemDto(
            null, known?.Title, known?.Status ?? 0, error.Message, error.Code, error.Errors, error.RetryAfterMs));
    }
}
