using Microsoft.Extensions.Time.Testing;
using TokenIM.Client;
using TokenIM.Protocol;

namespace TokenIM.Tests.Client;

public sealed class TokenImClientTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenServer _server = new();
    private readonly HttpClient _http;
    private readonly TokenImClient _client;

    public TokenImClientTests()
    {
        _http = new HttpClient(_server) { BaseAddress = new Uri("http://tokenim.test/") };
        _client = new TokenImClient(_http, new TokenImClientOptions { TimeProvider = _clock });
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task LoginAsync_HoldsTheTokensAndRefreshesAtEightyPercentOfTheLifetime()
    {
        var tokens = await _client.LoginAsync("alice", "password");

        Assert.Equal("access-1", tokens.AccessToken);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(900), tokens.ExpiresAt);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(720), tokens.RefreshAfter);
        Assert.Same(tokens, _client.Tokens);
    }

    [Fact]
    public async Task RefreshTimer_FiresAtEightyPercent_ReplacesTheTokensAndRaisesTokensChanged()
    {
        await _client.LoginAsync("alice", "password");
        var changed = new TaskCompletionSource<TokenSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.TokensChanged += (_, tokens) => changed.TrySetResult(tokens);

        _clock.Advance(TimeSpan.FromSeconds(719));
        Assert.Equal(0, Volatile.Read(ref _server.RefreshCalls));
        _clock.Advance(TimeSpan.FromSeconds(1));

        var fresh = await changed.Task.WaitAsync(Wait);
        Assert.Equal("access-2", fresh.AccessToken);
        Assert.Equal(1, Volatile.Read(ref _server.RefreshCalls));
    }

    [Fact]
    public async Task Requests_ConcurrentCallersWhileARefreshIsDue_ShareOneRefresh()
    {
        await _client.LoginAsync("alice", "password");
        _server.RefreshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The timer starts the refresh and the gate holds it; twenty callers arrive while it is in flight.
        _clock.Advance(TimeSpan.FromSeconds(800));
        await _server.RefreshArrived.Task.WaitAsync(Wait);
        var callers = Enumerable.Range(0, 20).Select(_ => _client.GetMeAsync()).ToList();
        _server.RefreshGate.SetResult();
        var users = await Task.WhenAll(callers).WaitAsync(Wait);

        Assert.All(users, user => Assert.Equal(FakeTokenServer.User, user));
        Assert.Equal(1, Volatile.Read(ref _server.RefreshCalls));
        Assert.Equal("access-2", _client.Tokens!.AccessToken);
    }

    [Fact]
    public async Task Request_Answered401TokenExpired_RefreshesOnceAndRepeatsTheRequest()
    {
        await _client.LoginAsync("alice", "password");
        _server.RejectToken = "access-1";

        var me = await _client.GetMeAsync();

        Assert.Equal(FakeTokenServer.User, me);
        Assert.Equal(1, Volatile.Read(ref _server.RefreshCalls));
        Assert.Equal("access-2", _client.Tokens!.AccessToken);
    }

    [Fact]
    public async Task Requests_ConcurrentCallersAllAnswered401_ShareOneRefresh()
    {
        await _client.LoginAsync("alice", "password");
        _server.RejectToken = "access-1";
        _server.RejectionsExpected = 10;
        _server.RefreshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Every caller is refused before the refresh may answer: they all want one, and must share it.
        var callers = Enumerable.Range(0, 10).Select(_ => _client.GetMeAsync()).ToList();
        await _server.AllRejected.Task.WaitAsync(Wait);
        _server.RefreshGate.SetResult();
        await Task.WhenAll(callers).WaitAsync(Wait);

        Assert.Equal(1, Volatile.Read(ref _server.RefreshCalls));
        Assert.Equal("access-2", _client.Tokens!.AccessToken);
    }

    [Fact]
    public async Task Refresh_InvalidRefreshToken_SignsOutAndDiscardsTheTokens()
    {
        await _client.LoginAsync("alice", "password");
        _server.RefreshRefusal = ErrorCode.InvalidRefreshToken.Code;
        SignedOutEventArgs? signedOut = null;
        _client.SignedOut += (_, e) => signedOut = e;

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => _client.RefreshAsync());

        Assert.Equal(ErrorCode.InvalidRefreshToken.Code, error.Code);
        Assert.Equal(401, error.Status);
        Assert.Equal(ErrorCode.InvalidRefreshToken.Code, signedOut?.Code);
        Assert.Null(_client.Tokens);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetMeAsync());
    }

    [Fact]
    public async Task Request_UnknownRoute_ThrowsTheProblemCode()
    {
        await _client.LoginAsync("alice", "password");

        var error = await Assert.ThrowsAsync<TokenImApiException>(() => _client.GetConversationsAsync());

        Assert.Equal(ErrorCode.NotFound.Code, error.Code);
        Assert.Equal(404, error.Status);
    }
}
