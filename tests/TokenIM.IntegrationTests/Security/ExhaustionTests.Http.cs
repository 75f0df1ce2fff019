using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Security;

/// <summary>HTTP before any token: connections that send nothing, trickled headers and bodies, oversized headers, a crowd.</summary>
public sealed partial class ExhaustionTests
{
    [Fact]
    public async Task Http_SilentSlowOversizedAndCrowdedRequests_CutOffOnTheirClocksNoServerErrorsProbeUndisturbed()
    {
        // Short clocks so the test is quick; the defaults are 30 s idle, 10 s for headers, 5 s of body grace.
        var idle = TimeSpan.FromSeconds(2);
        var headers = TimeSpan.FromSeconds(2);
        var bodyGrace = TimeSpan.FromSeconds(2);
        await using var server = new LiveTokenImFactory();
        server.Settings["TokenIM:Network:KeepAliveTimeout"] = $"{idle:c}";
        server.Settings["TokenIM:Network:RequestHeadersTimeout"] = $"{headers:c}";
        server.Settings["TokenIM:Network:RequestBodyGracePeriod"] = $"{bodyGrace:c}";
        await using var probe = await LiveProbe.OpenAsync(server);
        // A socket that says nothing for the whole test, far longer than the HTTP idle clock: that clock must not apply to it.
        await using var quiet = await server.OpenAsync(await server.RegisterAsync());
        var quietSince = Stopwatch.StartNew();
        var port = server.Port;
        var head = $"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";

        const int Each = 30;
        var silent = Enumerable.Range(0, Each).Select(_ => RawHttpAsync(port, [], trickle: [])).ToArray();
        var slowHeaders = Enumerable.Range(0, Each).Select(_ => RawHttpAsync(port, [], Encoding.ASCII.GetBytes(head))).ToArray();
        var slowBodies = Enumerable.Range(0, Each).Select(_ => RawHttpAsync(port, Encoding.ASCII.GetBytes(head), Encoding.ASCII.GetBytes(new string(' ', 1000)))).ToArray();
        var hugeHeaders = RawHttpAsync(port, Encoding.ASCII.GetBytes($"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: {new string('a', 40 * 1024)}\r\n\r\n"), []);
        var longLine = RawHttpAsync(port, Encoding.ASCII.GetBytes($"GET /{new string('a', 10 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n"), []);

        // A crowd of requests without a token, all at once.
        const int Crowd = 300;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Crowd };
        using var anonymous = new HttpClient(handler) { BaseAddress = server.BaseUri };
        var crowd = await Task.WhenAll(Enumerable.Range(0, Crowd).Select(_ => anonymous.GetAsync("/api/v1/conversations", TestContext.Current.CancellationToken)));
        var crowdRefused = crowd.Count(r => r.StatusCode == HttpStatusCode.Unauthorized);
        var serverErrors = crowd.Count(r => (int)r.StatusCode >= 500);

        var all = Task.WhenAll(silent.Concat(slowHeaders).Concat(slowBodies).Append(hugeHeaders).Append(longLine));
        while (!all.IsCompleted)
        {
            await probe.RoundTripAsync();
            await Task.WhenAny(all, Task.Delay(100, TestContext.Current.CancellationToken));
        }

        await probe.RoundTripAsync();
        var quietMs = quietSince.Elapsed.TotalMilliseconds;
        await quiet.ExpectQuietAsync();
        var (silentEnds, headerEnds, bodyEnds) = (await Task.WhenAll(silent), await Task.WhenAll(slowHeaders), await Task.WhenAll(slowBodies));
        serverErrors += silentEnds.Concat(headerEnds).Concat(bodyEnds).Count(e => e.Status >= 500);
        var bodyStatuses = string.Join(',', bodyEnds.Select(e => e.Status).Distinct().Order());
        Figures.Print($"exhaustion-http: silent={Each} silent_max_ms={silentEnds.Max(e => e.Ms):F0} idle_limit_ms={idle.TotalMilliseconds:F0} "
            + $"slow_headers={Each} slow_headers_max_ms={headerEnds.Max(e => e.Ms):F0} headers_limit_ms={headers.TotalMilliseconds:F0} "
            + $"slow_bodies={Each} slow_body_max_ms={bodyEnds.Max(e => e.Ms):F0} slow_body_status={bodyStatuses} body_grace_ms={bodyGrace.TotalMilliseconds:F0} "
            + $"huge_headers_status={(await hugeHeaders).Status} long_line_status={(await longLine).Status} "
            + $"idle_socket_kept_ms={quietMs:F0} crowd={Crowd} crowd_401={crowdRefused} server_errors={serverErrors} probe_ok={probe.Succeeded}/{probe.Succeeded + probe.Failed}");

        // Kestrel checks its clocks once a second and adds that second to each timeout, so it never cuts early: a
        // connection is cut within its limit plus two ticks plus the timer slack.
        var tick = TimeSpan.FromSeconds(1);
        Assert.All(silentEnds, e => Assert.InRange(e.Ms, 0, (idle + (2 * tick) + s_timerSlack).TotalMilliseconds));
        Assert.All(headerEnds, e => Assert.InRange(e.Ms, 0, (headers + (2 * tick) + s_timerSlack).TotalMilliseconds));
        Assert.All(bodyEnds, e => Assert.InRange(e.Ms, 0, (bodyGrace + (2 * tick) + s_timerSlack).TotalMilliseconds));
        Assert.All(bodyEnds, e => Assert.Equal(408, e.Status));
        Assert.Equal(431, (await hugeHeaders).Status);
        Assert.Equal(414, (await longLine).Status);
        Assert.Equal(Crowd, crowdRefused);
        Assert.Equal(0, serverErrors);
        Assert.Equal(0, probe.Failed);
        Assert.True(quietMs > (idle + tick).TotalMilliseconds, $"The quiet socket was idle only {quietMs:F0} ms: it proved nothing.");
    }

    /// <summary>
    /// One connection: writes <paramref name="prefix"/> at once, then <paramref name="trickle"/> a byte every 250 ms,
    /// reading all the while; returns the answer's status (0 when none) and when the server ended the connection,
    /// measured from the connect.
    /// </summary>
    private static async Task<(int Status, double Ms)> RawHttpAsync(int port, byte[] prefix, byte[] trickle)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var clock = Stopwatch.StartNew();
        var stream = tcp.GetStream();
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            try
            {
                await stream.WriteAsync(prefix, stop.Token);
                for (var i = 0; i < trickle.Length && await pace.WaitForNextTickAsync(stop.Token); i++)
                    await stream.WriteAsync(trickle.AsMemory(i, 1), stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server cut the connection: that is the point.
            }
        });

        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            // A test timeout, not a clock under test: a connection still open after 30 s fails the limits above.
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30)) is var read && read > 0)
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException)
        {
            // A reset ends the connection too.
        }

        var ms = clock.Elapsed.TotalMilliseconds;
        await stop.CancelAsync();
        tcp.Close();
        await writing;
        var text = answer.ToString();
        var status = text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var code) ? code : 0;
        return (status, ms);
    }
}
