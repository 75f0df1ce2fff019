using System.Net.Http.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

/// <summary>
/// The typed REST client of a TokenIM server (<c>/api/v1</c>). It holds the current <see cref="TokenSet"/>, sends the
/// access token on every request, refreshes it before it expires (at <see cref="TokenImClientOptions.RefreshRatio"/>
/// of its lifetime, one refresh at a time however many callers need it) and once more when a request is answered
/// <c>401 token_expired</c> or <c>invalid_token</c>. Every method is safe to call concurrently. A refused request
/// throws <see cref="TokenImApiException"/>; a network failure throws <see cref="HttpRequestException"/>.
/// </summary>
public sealed partial class TokenImClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TokenImClientOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposed = new();

    // Guards _tokens, _refreshing and _refreshTimer. Events are raised outside it.
    private readonly Lock _lock = new();
    private TokenSet? _tokens;
    private Task<TokenSet>? _refreshing;
    private ITimer? _refreshTimer;

    /// <summary>
    /// A client over an existing <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the server's root
    /// (for example <c>https://chat.example.com/</c>; end a path prefix with <c>/</c>). The caller keeps ownership of <paramref name="httpClient"/>.
    /// </summary>
    /// <param name="httpClient">Sends the requests; its <c>BaseAddress</c> must be set.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public TokenImClient(HttpClient httpClient, TokenImClientOptions? options = null)
        : this(httpClient, options, ownsHttp: false)
    {
    }

    /// <summary>A client with its own <see cref="HttpClient"/> for the server at <paramref name="baseAddress"/>, disposed with it.</summary>
    /// <param name="baseAddress">The server's root, for example <c>https://chat.example.com/</c>.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public TokenImClient(Uri baseAddress, TokenImClientOptions? options = null)
        : this(new HttpClient { BaseAddress = WithTrailingSlash(baseAddress) }, options, ownsHttp: true)
    {
    }

    private TokenImClient(HttpClient httpClient, TokenImClientOptions? options, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
            throw new ArgumentException("The HttpClient needs a BaseAddress: the server's root URI.", nameof(httpClient));
        _http = httpClient;
        _ownsHttp = ownsHttp;
        _options = options ?? new TokenImClientOptions();
        _options.Validate();
        _time = _options.TimeProvider;
    }

    /// <summary>The server's root URI; the WebSocket endpoint is <c>ws</c> (or <c>wss</c>) at <c>/ws</c> below it.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The current tokens, or null when not signed in. Persist them after <see cref="TokensChanged"/>.</summary>
    public TokenSet? Tokens
    {
        get
        {
            lock (_lock)
                return _tokens;
        }
    }

    /// <summary>
    /// Raised after a sign-in or a refresh replaced the tokens (not for <see cref="UseTokens"/>). Persist the new set:
    /// the previous refresh token is spent. Raised on the thread that finished the request; keep handlers short.
    /// </summary>
    public event EventHandler<TokenSet>? TokensChanged;

    /// <summary>
    /// Raised once when the session ends: a refresh answered <c>invalid_refresh_token</c>, a request answered
    /// <c>session_revoked</c>, or the application signed out. The tokens are already discarded; show the sign-in screen.
    /// </summary>
    public event EventHandler<SignedOutEventArgs>? SignedOut;

    /// <summary>
    /// Resumes a session from persisted tokens (refreshing them first if they are due), or with null forgets the
    /// current ones locally, without telling the server (raising <see cref="SignedOut"/>); prefer <see cref="LogoutAsync"/>.
    /// </summary>
    /// <param name="tokens">The tokens to use, or null.</param>
    public void UseTokens(TokenSet? tokens)
    {
        if (tokens is null)
        {
            var current = Tokens;
            if (current is not null)
                EndSession(current, code: null);
            return;
        }
        lock (_lock)
        {
            _tokens = tokens;
            ArmRefreshTimer(tokens, tokens.RefreshAfter - _time.GetUtcNow());
        }
    }

    /// <summary>
    /// A current access token (refreshed first when it is due), for a transport of the application's own. Throws
    /// <see cref="InvalidOperationException"/> when not signed in.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (a refresh in flight continues for the other callers).</param>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) =>
        (await CurrentTokensAsync(cancellationToken).ConfigureAwait(false)).AccessToken;

    /// <summary>
    /// Exchanges the refresh token for a new pair now. Concurrent callers share one request. When the answer is
    /// <c>invalid_refresh_token</c> the session has ended: <see cref="SignedOut"/> is raised and this throws.
    /// Rarely needed: the client refreshes on its own.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the refresh itself continues, so its answer is not lost).</param>
    public Task<TokenSet> RefreshAsync(CancellationToken cancellationToken = default) =>
        RefreshFromAsync(Tokens ?? throw NotSignedIn(), cancellationToken);

    /// <summary>Stops the refresh timer and cancels requests in flight; disposes the HttpClient if this client created it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _refreshTimer?.Dispose();
            _refreshTimer = null;
        }
        // Cancelled, not disposed: a refresh timer callback racing this may still read its token.
        _disposed.Cancel();
        if (_ownsHttp)
            _http.Dispose();
    }

    // Paths are resolved relative to the base, so https://host/im must become https://host/im/ to keep its last segment.
    private static Uri WithTrailingSlash(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        return baseAddress.AbsolutePath.EndsWith('/') ? baseAddress : new UriBuilder(baseAddress) { Path = baseAddress.AbsolutePath + "/" }.Uri;
    }

    private static InvalidOperationException NotSignedIn() =>
        new("Not signed in: call LoginAsync or RegisterAsync, or UseTokens with saved tokens.");

    /// <summary>The tokens for a request: refreshed first when due.</summary>
    private async Task<TokenSet> CurrentTokensAsync(CancellationToken cancellationToken)
    {
        var tokens = Tokens ?? throw NotSignedIn();
        if (_time.GetUtcNow() < tokens.RefreshAfter)
            return tokens;
        try
        {
            return await RefreshFromAsync(tokens, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (IsTransient(error) && _time.GetUtcNow() < tokens.ExpiresAt)
        {
            // The refresh failed for now (network, rate limit, server fault), but the old token still works: use it;
            // the next request or the timer tries again.
            return tokens;
        }
    }

    private static bool IsTransient(Exception error) =>
        error is HttpRequestException || error is TokenImApiException { Status: 429 or >= 500 };

    /// <summary>
    /// Single flight: refreshes <paramref name="seen"/> unless another caller already replaced it (then returns the
    /// newer tokens) or is replacing it (then shares that request). Spending a refresh token twice would look like
    /// theft to the server and end the session, so two refreshes of one set must never race.
    /// </summary>
    private async Task<TokenSet> RefreshFromAsync(TokenSet seen, CancellationToken cancellationToken)
    {
        Task<TokenSet> refreshing;
        lock (_lock)
        {
            if (_tokens is null)
                throw NotSignedIn();
            if (!ReferenceEquals(_tokens, seen))
                return _tokens;
            if (_refreshing is not { IsCompleted: false })
                _refreshing = RunRefreshAsync(seen);
            refreshing = _refreshing;
        }
        return await refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TokenSet> RunRefreshAsync(TokenSet seen)
    {
        // Not the caller's token: a refresh abandoned half-way leaves the client unsure which refresh token is live.
        var cancellation = _disposed.Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiPath("auth/refresh"))
        {
            Content = JsonContent.Create(new RefreshRequest(seen.RefreshToken), ProtocolJsonContext.Wire.RefreshRequest),
        };
        using var response = await _http.SendAsync(request, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = await ErrorFromAsync(response, cancellation).ConfigureAwait(false);
            if (error.Code == ErrorCode.InvalidRefreshToken.Code)
                EndSession(seen, error.Code);
            throw error;
        }
        var answer = await ReadAsync(response, ProtocolJsonContext.Wire.TokenResponse, cancellation).ConfigureAwait(false);
        var fresh = TokenSet.From(answer, _time.GetUtcNow(), _options.RefreshRatio);
        lock (_lock)
        {
            // The application signed in again or out meanwhile: its choice wins over this late answer.
            if (!ReferenceEquals(_tokens, seen))
                return _tokens ?? throw NotSignedIn();
            _tokens = fresh;
            ArmRefreshTimer(fresh, fresh.RefreshAfter - _time.GetUtcNow());
        }
        TokensChanged?.Invoke(this, fresh);
        return fresh;
    }

    /// <summary>Takes the tokens of a sign-in (register or login) and announces them.</summary>
    private TokenSet SignedIn(TokenResponse response)
    {
        var tokens = TokenSet.From(response, _time.GetUtcNow(), _options.RefreshRatio);
        lock (_lock)
        {
            _tokens = tokens;
            ArmRefreshTimer(tokens, tokens.RefreshAfter - _time.GetUtcNow());
        }
        TokensChanged?.Invoke(this, tokens);
        return tokens;
    }

    /// <summary>Discards the tokens of <paramref name="ended"/>'s session (if still current) and raises <see cref="SignedOut"/>.</summary>
    private void EndSession(TokenSet ended, string? code)
    {
        lock (_lock)
        {
            if (_tokens is null || _tokens.SessionId != ended.SessionId)
                return;
            _tokens = null;
            _refreshTimer?.Dispose();
            _refreshTimer = null;
        }
        SignedOut?.Invoke(this, new SignedOutEventArgs(code));
    }

    /// <summary>Schedules a proactive refresh of <paramref name="tokens"/>; call under the lock.</summary>
    private void ArmRefreshTimer(TokenSet tokens, TimeSpan due)
    {
        _refreshTimer?.Dispose();
        if (_disposed.IsCancellationRequested)
            return;
        _refreshTimer = _time.CreateTimer(
            static state => ((RefreshTick)state!).Run(), new RefreshTick(this, tokens),
            due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private sealed class RefreshTick(TokenImClient client, TokenSet tokens)
    {
        public void Run() => _ = client.ProactiveRefreshAsync(tokens);
    }

    private async Task ProactiveRefreshAsync(TokenSet tokens)
    {
        try
        {
            await RefreshFromAsync(tokens, _disposed.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TokenImApiException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            // Transient (network, rate limit): try again soon while these tokens are current. Final (the session ended):
            // SignedOut was raised and the tokens are gone, so nothing is re-armed. Disposed: the timer is gone too.
            lock (_lock)
            {
                if (ReferenceEquals(_tokens, tokens) && !_disposed.IsCancellationRequested)
                    ArmRefreshTimer(tokens, _options.RefreshRetryDelay);
            }
        }
    }
}
