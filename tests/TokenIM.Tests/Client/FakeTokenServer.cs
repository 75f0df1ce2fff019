using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Tests.Client;

/// <summary>
/// Just enough of the server's token behaviour to test the client's refresh logic: login, a rotating refresh that can
/// be held at a gate, and <c>GET /users/me</c> that accepts only the latest access token.
/// </summary>
internal sealed class FakeTokenServer : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private int _generation = 1;

    public static readonly UserDto User = new("u1", "alice", "Alice");

    public int RefreshCalls;

    /// <summary>When set, refresh requests wait for it before answering.</summary>
    public TaskCompletionSource? RefreshGate { get; set; }

    /// <summary>Signalled when a refresh request arrives (before the gate).</summary>
    public TaskCompletionSource RefreshArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every refresh is answered with this code (401).</summary>
    public string? RefreshRefusal { get; set; }

    /// <summary>An access token <c>/users/me</c> answers with 401 token_expired, as if the server's clock ran ahead.</summary>
    public string? RejectToken { get; set; }

    /// <summary>Completed when <see cref="RejectionsExpected"/> requests were refused for <see cref="RejectToken"/>.</summary>
    public TaskCompletionSource AllRejected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int RejectionsExpected { get; set; } = 1;

    private int _rejections;

    public string CurrentAccessToken
    {
        get
        {
            lock (_lock)
                return $"access-{_generation}";
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        switch (path)
        {
            case "/api/v1/auth/login":
                return Tokens(1);
            case "/api/v1/auth/refresh":
                Interlocked.Increment(ref RefreshCalls);
                RefreshArrived.TrySetResult();
                if (RefreshGate is { } gate)
                    await gate.Task.WaitAsync(cancellationToken);
                if (RefreshRefusal is { } code)
                    return Problem(HttpStatusCode.Unauthorized, code);
                var body = await request.Content!.ReadFromJsonAsync(ProtocolJsonContext.Default.RefreshRequest, cancellationToken);
                lock (_lock)
                {
                    if (body!.RefreshToken != $"refresh-{_generation}")
                        return Problem(HttpStatusCode.Unauthorized, ErrorCode.InvalidRefreshToken.Code);
                    _generation++;
                    return Tokens(_generation);
                }
            case "/api/v1/users/me":
                if (RejectToken is not null && request.Headers.Authorization?.Parameter == RejectToken)
                {
                    if (Interlocked.Increment(ref _rejections) == RejectionsExpected)
                        AllRejected.TrySetResult();
                    return Problem(HttpStatusCode.Unauthorized, ErrorCode.TokenExpired.Code);
                }
                return request.Headers.Authorization?.Parameter == CurrentAccessToken
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(User, ProtocolJsonContext.Default.UserDto) }
                    : Problem(HttpStatusCode.Unauthorized, ErrorCode.TokenExpired.Code);
            default:
                return Problem(HttpStatusCode.NotFound, ErrorCode.NotFound.Code);
        }
    }

    private static HttpResponseMessage Tokens(int generation) => new(HttpStatusCode.OK)
    {
        Content = JsonContent.Create(new TokenResponse(User, $"access-{generation}", $"refresh-{generation}", 900, "s1"),
            ProtocolJsonContext.Default.TokenResponse),
    };

    private static HttpResponseMessage Problem(HttpStatusCode status, string code) => new(status)
    {
        Content = JsonContent.Create(new ProblemDto(null, code, (int)status, code, code), ProtocolJsonContext.Default.ProblemDto,
            new MediaTypeHeaderValue("application/problem+json")),
    };
}
