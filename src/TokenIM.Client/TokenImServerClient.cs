using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

/// <summary>
/// The typed client of the server API (<c>/api/v1/server</c>), for an app's backend: users, minted tokens, sign-out, conversations, members, messages
/// and API keys. It authenticates with an API key (<c>tim_…</c>), or with none over the server's local admin socket
/// (<see cref="ForLocalSocket"/>). Safe to call concurrently. A refused request throws
/// <see cref="TokenImApiException"/> (for example <c>insufficient_scope</c> naming the missing scope); a network
/// failure throws <see cref="HttpRequestException"/>.
/// </summary>
public sealed partial class TokenImServerClient : IDisposable
{
    private const string ApiBase = "api/v1/server/";
    private static readonly ProtocolJsonContext s_json = ProtocolJsonContext.Wire;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client over an existing <see cref="HttpClient"/> whose <c>BaseAddress</c> is the server's root; the caller keeps ownership of it.</summary>
    /// <param name="httpClient">Sends the requests; its <c>BaseAddress</c> must be set.</param>
    /// <param name="apiKey">The API key, sent as <c>Authorization: Bearer</c>; null only over the local admin socket.</param>
    public TokenImServerClient(HttpClient httpClient, string? apiKey)
        : this(httpClient, apiKey, ownsHttp: false)
    {
    }

    /// <summary>A client with its own <see cref="HttpClient"/> for the server at <paramref name="baseAddress"/>, disposed with it.</summary>
    /// <param name="baseAddress">The server's root, for example <c>https://chat.example.com/</c>.</param>
    /// <param name="apiKey">The API key (<c>tim_…</c>).</param>
    public TokenImServerClient(Uri baseAddress, string apiKey)
        : this(new HttpClient { BaseAddress = WithTrailingSlash(baseAddress) }, apiKey, ownsHttp: true)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
    }

    private TokenImServerClient(HttpClient httpClient, string? apiKey, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
            throw new ArgumentException("The HttpClient needs a BaseAddress: the server's root URI.", nameof(httpClient));
        _http = httpClient;
        _ownsHttp = ownsHttp;
        if (apiKey is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>
    /// A client that talks to the server's local admin socket (<c>TokenIM:Admin:LocalSocket</c>, by default
    /// <c>admin.sock</c> in the data directory): no key, every scope. Only a process that may open that file can use it.
    /// </summary>
    /// <param name="socketPath">The socket file's path.</param>
    public static TokenImServerClient ForLocalSocket(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new TokenImServerClient(new HttpClient(handler) { BaseAddress = new Uri("http://localhost/") }, null, ownsHttp: true);
    }

    /// <summary>Creates a user (scope <c>users:write</c>). Without a password the user only gets minted tokens.</summary>
    /// <param name="request">Username, display name, and optionally the app's own id and a password.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserDto> CreateUserAsync(ServerCreateUserRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "users", Json(request, s_json.ServerCreateUserRequest), s_json.ServerUserDto, cancellationToken);

    /// <summary>A user by id (scope <c>users:read</c>); <c>user_not_found</c> when there is none.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserDto> GetUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"users/{Segment(userId)}", null, s_json.ServerUserDto, cancellationToken);

    /// <summary>A user by the app's own id (scope <c>users:read</c>); <c>user_not_found</c> when there is none.</summary>
    /// <param name="externalId">The external id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserDto> GetUserByExternalIdAsync(string externalId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"users/by-external-id/{Segment(externalId)}", null, s_json.ServerUserDto, cancellationToken);

    /// <summary>Changes a user's display name or external id (scope <c>users:write</c>); an empty external id removes it.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="request">The fields to change; absent ones stay.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserDto> UpdateUserAsync(string userId, ServerUpdateUserRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"users/{Segment(userId)}", Json(request, s_json.ServerUpdateUserRequest), s_json.ServerUserDto, cancellationToken);

    /// <summary>Disables a user (scope <c>users:write</c>): every session ends and their sockets close; sign-in and minting answer <c>user_disabled</c>.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserDto> DisableUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"users/{Segment(userId)}/disable", null, s_json.ServerUserDto, cancellationToken);

    /// <summary>Enables a disabled user again (scope <c>users:write</c>).</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ServerUserDto> EnableUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"users/{Segment(userId)}/enable", null, s_json.ServerUserDto, cancellationToken);

    /// <summary>
    /// Starts a session for the user without a password (scope <c>tokens:mint</c>) and returns its tokens, as a
    /// sign-in would: hand them to the user's client (for example <see cref="TokenImClient.UseTokens"/>).
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="deviceName">Names the session in the user's device list; <c>server api</c> when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<TokenResponse> MintTokenAsync(string userId, string? deviceName = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"users/{Segment(userId)}/tokens", Json(new MintTokenRequest(deviceName), s_json.MintTokenRequest), s_json.TokenResponse, cancellationToken);

    /// <summary>Ends every session of the user (scope <c>sessions:revoke</c>); their sockets close.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task SignOutUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"users/{Segment(userId)}/sign-out", null, cancellationToken);

    /// <summary>Creates an API key (scope <c>apikeys:manage</c>); the answer's token is shown this once.</summary>
    /// <param name="name">What the key is for.</param>
    /// <param name="scopes">The scopes it gets; see docs/integration.md for the list.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<CreatedApiKey> CreateApiKeyAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api-keys", Json(new CreateApiKeyRequest(name, scopes), s_json.CreateApiKeyRequest), s_json.CreatedApiKey, cancellationToken);

    /// <summary>Every API key, revoked ones too, without secrets (scope <c>apikeys:manage</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<ApiKeyDto>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "api-keys", null, s_json.ApiKeyList, cancellationToken).ConfigureAwait(false)).Keys;

    /// <summary>Revokes an API key (scope <c>apikeys:manage</c>); it is refused from the next request on.</summary>
    /// <param name="keyId">The key id (the part of the token after <c>tim_</c> up to the next <c>_</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api-keys/{Segment(keyId)}", null, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
            _http.Dispose();
    }

    private static string Segment(string id) => Uri.EscapeDataString(id);

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static JsonContent Json<T>(T body, JsonTypeInfo<T> info) => JsonContent.Create(body, info);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> result, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(result, cancellationToken).ConfigureAwait(false)
            ?? throw new TokenImApiException(new ProblemDto(null, response.ReasonPhrase, (int)response.StatusCode, "The response had no body.", TokenImApiException.UnexpectedResponseCode));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ApiBase + path) { Content = content };
        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await TokenImClient.ErrorFromAsync(response, cancellationToken).ConfigureAwait(false);
    }
}
