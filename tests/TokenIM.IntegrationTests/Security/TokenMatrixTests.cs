using System.Net.WebSockets;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// Every bad token of <see cref="BadTokens"/> against the three ways in: REST (<c>GET /api/v1/users/me</c>), the
/// WebSocket upgrade with the token in the <c>Authorization</c> header, and the first-frame <c>auth</c> op. None may
/// get in, none may cause a 5xx (or a 1011 close), and the user's own token, the control, must get in on all three —
/// which proves the refusals are for the defects and not for the harness. The matrix is the same size in CI and in full.
/// </summary>
public sealed class TokenMatrixTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private enum Outcome
    {
        Accepted,
        Refused,
        ServerError,
    }

    [Fact]
    public async Task BadTokens_OnRestAndBothSocketPaths_NoneAcceptedNo5xxControlAccepted()
    {
        var baseUri = factory.BaseUri;
        var user = await factory.RegisterAsync();
        var jwks = await factory.CreateClient().GetStringAsync("/.well-known/jwks.json");
        var cases = await BadTokens.BuildAsync(factory, user, jwks);
        var rest = factory.CreateClient();
        int restAccepted = 0, headerAccepted = 0, frameAccepted = 0, serverErrors = 0;
        var failures = new List<string>();

        foreach (var (name, token) in cases)
        {
            var outcomes = new[] { ("rest", await RestAsync(rest, token)), ("ws-header", await HeaderAsync(baseUri, token)), ("ws-frame", await FrameAsync(baseUri, token)) };
            foreach (var (path, (outcome, detail)) in outcomes)
            {
                if (outcome != Outcome.Refused)
                    failures.Add($"{name} on {path}: {outcome} ({detail})");
                serverErrors += outcome == Outcome.ServerError ? 1 : 0;
            }

            restAccepted += outcomes[0].Item2.Outcome == Outcome.Accepted ? 1 : 0;
            headerAccepted += outcomes[1].Item2.Outcome == Outcome.Accepted ? 1 : 0;
            frameAccepted += outcomes[2].Item2.Outcome == Outcome.Accepted ? 1 : 0;
        }

        var control = new[] { await RestAsync(rest, user.Tokens.AccessToken), await HeaderAsync(baseUri, user.Tokens.AccessToken), await FrameAsync(baseUri, user.Tokens.AccessToken) };
        var controlAccepted = control.Count(c => c.Outcome == Outcome.Accepted);

        Figures.Print($"token-matrix: cases={cases.Count} tried={cases.Count * 3} rest_accepted={restAccepted} ws_header_accepted={headerAccepted} " +
            $"ws_frame_accepted={frameAccepted} server_errors={serverErrors} control_accepted={controlAccepted}/3");
        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(controlAccepted == 3, string.Join(", ", control.Select(c => $"{c.Outcome} ({c.Detail})")));
    }

    /// <summary>A 2xx is in; a 4xx is a refusal; anything else is a server error.</summary>
    private static async Task<(Outcome Outcome, string Detail)> RestAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        using var response = await client.SendAsync(request);
        return (Classify((int)response.StatusCode), ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>An upgrade that completes is in, whatever follows; a refused upgrade is judged by its HTTP status.</summary>
    private static async Task<(Outcome Outcome, string Detail)> HeaderAsync(Uri baseUri, string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("tokenim.v1");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new UriBuilder(baseUri) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (WebSocketException)
        {
            var status = (int)socket.HttpStatusCode;
            return (status == 0 ? Outcome.ServerError : Classify(status), $"http {status}");
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return (Outcome.Accepted, "upgraded");
    }

    /// <summary>A <c>ready</c> frame is in; the documented closes (4001, or 1009 for a frame over 64 KiB) are refusals.</summary>
    private static async Task<(Outcome Outcome, string Detail)> FrameAsync(Uri baseUri, string token)
    {
        await using var socket = await RawSocket.ConnectAsync(baseUri);
        try
        {
            await socket.SendAsync(new { op = "auth", token });
        }
        catch (WebSocketException)
        {
            // The server may close on an oversized frame before the client has finished sending it.
        }

        var (frame, close) = await socket.ReceiveFrameOrCloseAsync();
        if (frame is { } answer)
            return (answer.Op() == "ready" ? Outcome.Accepted : Outcome.ServerError, answer.GetRawText());
        return (close is 4001 or 1009 ? Outcome.Refused : Outcome.ServerError, $"close {close}");
    }

    private static Outcome Classify(int status) => status switch
    {
        >= 200 and < 300 => Outcome.Accepted,
        >= 400 and < 500 => Outcome.Refused,
        _ => Outcome.ServerError,
    };
}
