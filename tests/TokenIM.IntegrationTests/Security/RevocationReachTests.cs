using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// How far and how fast a revocation reaches (protocol: "a revoked session is refused on REST at once and its open
/// sockets are closed within one second, on every node"): for each way a session ends — sign-out, revocation from
/// another device, password change, an admin disabling the user through the server API — many trials, each with two
/// open sockets of the ended session and one socket of a session that must survive (the user's other session; for a
/// disable, which ends them all, another user's). Close times run from the moment the request is sent, so they include its own handling.
/// On two nodes the request goes to one node and the sockets and REST probe to the other. Sizes: CI 30 trials per way,
/// <c>TOKENIM_FULL_SIZES=1</c> 200.
/// </summary>
public sealed class RevocationReachTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int SocketsPerSession = 2;

    private static readonly int s_trials = Environment.GetEnvironmentVariable("TOKENIM_FULL_SIZES") == "1" ? 200 : 30;

    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(1);

    public static TheoryData<string> Ways => ["sign-out", "revoke-session", "password-change", "admin-disable"];

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Revocation_OneNode_RestRefusedAtOnceSocketsClosedWithinOneSecond(string way) =>
        await MeasureAsync(way, factory, factory, nodes: 1);

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Revocation_OnOtherNode_RestRefusedAtOnceSocketsClosedWithinOneSecond(string way)
    {
        await using var nodes = TwoNodes.Start();
        await MeasureAsync(way, nodes.First, nodes.Second, nodes: 2);
    }

    private static async Task MeasureAsync(string way, LiveTokenImFactory requestNode, LiveTokenImFactory socketNode, int nodes)
    {
        var closeMs = new List<double>();
        int closed4001 = 0, refusedAtOnce = 0, bystandersKept = 0;
        var apiKey = await requestNode.CreateKeyAsync(ServerScopes.UsersWrite);
        for (var trial = 0; trial < s_trials; trial++)
        {
            var ended = await requestNode.RegisterAsync();
            var survivor = way == "admin-disable" ? await requestNode.RegisterAsync() : await requestNode.LoginAsync(ended, "survivor");
            var sockets = new RawSocket[SocketsPerSession];
            for (var i = 0; i < sockets.Length; i++)
                sockets[i] = await socketNode.OpenAsync(ended);
            var bystander = await socketNode.OpenAsync(survivor);
            try
            {
                await GatewayHelpers.SettleAsync([.. sockets, bystander]);
                var clock = Stopwatch.StartNew();
                var closes = sockets.Select(async socket => (Code: await socket.ReceiveCloseAsync(), At: clock.Elapsed)).ToArray();
                using (var response = await RevokeAsync(way, requestNode, ended, survivor, trial, apiKey))
                    Assert.True(response.IsSuccessStatusCode, $"{way}: {(int)response.StatusCode}");

                // "At once": the very next request with the ended session's token, on the node holding its sockets.
                using (var me = await ClientOf(socketNode, ended.Tokens.AccessToken).GetAsync("/api/v1/users/me"))
                    refusedAtOnce += await IsProblemAsync(me, ErrorCode.SessionRevoked) ? 1 : 0;

                foreach (var (code, at) in await Task.WhenAll(closes))
                {
                    closed4001 += code == 4001 ? 1 : 0;
                    closeMs.Add(at.TotalMilliseconds);
                }

                await bystander.ExpectQuietAsync(ignorePresence: true);
                bystandersKept++;
            }
            finally
            {
                foreach (var socket in sockets)
                    await socket.DisposeAsync();
                await bystander.DisposeAsync();
            }
        }

        closeMs.Sort();
        var within = closeMs.Count(ms => ms < s_deadline.TotalMilliseconds);
        Figures.Print($"revocation-reach: way={way} nodes={nodes} trials={s_trials} sockets={closeMs.Count} closed_4001={closed4001} " +
            $"within_1s={within} p50_ms={Percentile(closeMs, 0.50):F1} p99_ms={Percentile(closeMs, 0.99):F1} max_ms={closeMs[^1]:F1} " +
            $"rest_refused_at_once={refusedAtOnce} bystanders_kept={bystandersKept}");
        var expected = s_trials * SocketsPerSession;
        Assert.Equal((expected, expected, s_trials, s_trials), (closed4001, within, refusedAtOnce, bystandersKept));
    }

    private static Task<HttpResponseMessage> RevokeAsync(string way, LiveTokenImFactory node, TestUser ended, TestUser survivor, int trial, string apiKey) => way switch
    {
        "admin-disable" => ClientOf(node, apiKey).PostAsync($"/api/v1/server/users/{ended.Id}/disable", null),
        "sign-out" => ClientOf(node, ended.Tokens.AccessToken).PostAsync("/api/v1/auth/logout", null),
        "revoke-session" => ClientOf(node, survivor.Tokens.AccessToken).DeleteAsync($"/api/v1/auth/sessions/{ended.Tokens.SessionId}"),
        "password-change" => ClientOf(node, survivor.Tokens.AccessToken)
            .PostJsonAsync("/api/v1/auth/password", new ChangePasswordRequest(ended.Password, $"a fresh passphrase {trial} of 2026")),
        _ => throw new ArgumentOutOfRangeException(nameof(way), way, null),
    };

    private static HttpClient ClientOf(LiveTokenImFactory node, string accessToken) => new()
    {
        BaseAddress = node.BaseUri,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", accessToken) },
    };

    private static async Task<bool> IsProblemAsync(HttpResponseMessage response, ErrorCode code)
    {
        if ((int)response.StatusCode != code.Status)
            return false;
        var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(Api.Json);
        return problem?.Code == code.Code;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
