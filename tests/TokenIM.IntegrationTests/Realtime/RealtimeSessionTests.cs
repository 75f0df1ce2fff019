using Microsoft.Extensions.Time.Testing;
using TokenIM.Client;
using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>The SDK's token handling on the socket: in-band refresh, a refused upgrade, a 4001 close, a revoked session.</summary>
public sealed class RealtimeSessionTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    [Fact]
    public async Task Refresh_OnTheRestClient_IsSentInBandAndTheSocketStays()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 13);
        await alice.ConnectAsync();
        var errors = new List<TokenImApiException>();
        alice.Realtime.ErrorReceived += (_, error) => errors.Add(error);

        await alice.Rest.RefreshAsync();
        await alice.Realtime.LastInBandRefresh.WaitAsync(Timeout);

        Assert.Empty(errors);
        await alice.Realtime.PingAsync().WaitAsync(Timeout);
        Assert.Equal(ConnectionState.Connected, alice.Realtime.State);
    }

    [Fact]
    public async Task Connect_UpgradeRefused401_RefreshesTheTokensAndConnects()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 24);
        var tokens = alice.Rest.Tokens!;
        alice.Rest.UseTokens(tokens with { AccessToken = "not-a-token" });

        await alice.ConnectAsync();

        Assert.NotEqual(tokens.AccessToken, alice.Rest.Tokens!.AccessToken);
        lock (alice.States)
            Assert.Contains(alice.States, change => change.State == ConnectionState.Reconnecting && change.Error is not null);
    }

    [Fact]
    public async Task TokenExpiredOnTheSocket_Closes4001_RefreshesAndReconnects()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new LiveTokenImFactory { Clock = clock };
        await using var alice = await SdkDevice.RegisterAsync(server, seed: 25);
        await alice.ConnectAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Realtime.StateChanged += (_, change) =>
        {
            if (change.State == ConnectionState.Reconnecting && change.CloseStatus == CloseCodes.Unauthenticated)
                closed.TrySetResult();
            else if (change.State == ConnectionState.Connected && closed.Task.IsCompleted)
                reconnected.TrySetResult();
        };
        var expired = alice.Rest.Tokens!.AccessToken;

        // Past the 15-minute lifetime and the 30-second grace on the server's clock; the client's stays put, so
        // nothing refreshed in band and the server must close with 4001.
        clock.Advance(TimeSpan.FromMinutes(16));
        await reconnected.Task.WaitAsync(Timeout);

        Assert.NotEqual(expired, alice.Rest.Tokens!.AccessToken);
        await alice.Realtime.PingAsync().WaitAsync(Timeout);
    }

    [Fact]
    public async Task SessionRevokedFromAnotherDevice_Closes4001_RefreshFails_SignsOut()
    {
        await using var phone = await SdkDevice.RegisterAsync(factory, seed: 14);
        await using var laptop = await SdkDevice.LoginAsync(factory, phone.Username, seed: 15);
        await phone.ConnectAsync();
        var signedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        phone.Realtime.StateChanged += (_, change) =>
        {
            if (change.State == ConnectionState.SignedOut)
                signedOut.TrySetResult();
        };

        await laptop.Rest.RevokeSessionAsync(phone.Rest.Tokens!.SessionId);
        await signedOut.Task.WaitAsync(Timeout);

        Assert.Null(phone.Rest.Tokens);
        lock (phone.States)
            Assert.Contains(phone.States, change => change.State == ConnectionState.Reconnecting && change.CloseStatus == CloseCodes.Unauthenticated);
        await Assert.ThrowsAsync<TokenImConnectionException>(() => phone.Realtime.SendAsync("any", "too late"));
        await Assert.ThrowsAsync<TokenImConnectionException>(() => phone.Realtime.ConnectAsync());
    }
}
