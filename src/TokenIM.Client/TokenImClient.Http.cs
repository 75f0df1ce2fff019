using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    private const string ApiBase = "api/v1/";

    // Relative to BaseAddress, so a server mounted below a path prefix (https://host/im/) works too.
    private static string ApiPath(string relative) => ApiBase + relative;

    private static string Segment(string id) => Uri.EscapeDataString(id);

    private static Func<HttpContent> Json<T>(T body, JsonTypeInfo<T> info) => () => JsonContent.Create(body, info);

    private async Task<T> SendAnonymousAsync<T>(HttpMethod method, string path, Func<HttpContent> content, JsonTypeInfo<T> result,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ApiPath(path)) { Content = content() };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorFromAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, Func<HttpContent>? content, JsonTypeInfo<T> result,
        CancellationToken cancellationToken)
    {
        using var response = await SendAuthorizedAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        using var response = await SendAuthorizedAsync(method, path, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends with the current access token; on <c>401 token_expired</c> or <c>invalid_token</c> refreshes (single
    /// flight) and tries once more. Returns a success response or throws <see cref="TokenImApiException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendAuthorizedAsync(HttpMethod method, string path, Func<HttpContent>? content,
        CancellationToken cancellationToken)
    {
        var tokens = await CurrentTokensAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendWithAsync(tokens, method, path, content, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
            return response;

        var error = await ConsumeErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (error.Status == (int)HttpStatusCode.Unauthorized
            && (error.Code == ErrorCode.TokenExpired.Code || error.Code == ErrorCode.InvalidToken.Code))
        {
            // Returns the newer tokens without a request when another caller refreshed since this one was sent.
            tokens = await RefreshFromAsync(tokens, cancellationToken).ConfigureAwait(false);
            response = await SendWithAsync(tokens, method, path, content, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                return response;
            error = await ConsumeErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
        if (error.Code == ErrorCode.SessionRevoked.Code)
            EndSession(tokens, error.Code);
        throw error;
    }

    private async Task<HttpResponseMessage> SendWithAsync(TokenSet tokens, HttpMethod method, string path, Func<HttpContent>? content,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ApiPath(path)) { Content = content?.Invoke() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<TokenImApiException> ConsumeErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
            return await ErrorFromAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> info, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(info, cancellationToken).ConfigureAwait(false)
        ?? throw new TokenImApiException(Unexpected(response, "The response had no body."));

    /// <summary>The Problem Details of a refused request, or a stand-in when the body is not one (a proxy's page).</summary>
    internal static async Task<TokenImApiException> ErrorFromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemDto? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync(ProtocolJsonContext.Wire.ProblemDto, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // Not Problem Details after all; described by the stand-in below.
                problem = null;
            }
        }
        if (problem?.Code is null)
            problem = Unexpected(response, problem?.Detail);
        if (problem.RetryAfterMs is null && response.Headers.RetryAfter?.Delta is { } delay)
            problem = problem with { RetryAfterMs = (long)delay.TotalMilliseconds };
        return new TokenImApiException(problem);
    }

    private static ProblemDto Unexpected(HttpResponseMessage response, string? detail) =>
        new(null, response.ReasonPhrase, (int)response.StatusCode, detail, TokenImApiException.UnexpectedResponseCode);
}
