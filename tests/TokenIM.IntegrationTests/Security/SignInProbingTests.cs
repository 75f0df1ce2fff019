using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// What an attacker learns by probing sign-in: whether an account exists (status, body, time), and whether a forged
/// <c>X-Forwarded-For</c> buys a fresh per-address budget.
/// </summary>
public sealed class SignInProbingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_UnknownUserAndWrongPassword_SameStatusBodyAndTime()
    {
        // A real hashing cost, so that skipping the hash for an unknown user would show as a difference in time.
        using var factory = new TokenImFactory();
        factory.Settings["TokenIM:Passwords:Pbkdf2Iterations"] = "100000";
        var user = await factory.RegisterAsync();
        var client = factory.CreateClient();
        const int Tries = 30;
        var wrong = new List<double>();
        var unknown = new List<double>();
        var bodies = new HashSet<string>();
        var statuses = new HashSet<HttpStatusCode>();

        // Interleaved, so that drift in the machine's load touches both series alike.
        for (var i = 0; i < Tries; i++)
        {
            foreach (var (name, times) in new[] { (user.Username, wrong), (factory.NextUsername("ghost"), unknown) })
            {
                var clock = Stopwatch.StartNew();
                var response = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(name, $"not the password {i}"));
                var body = await response.Content.ReadAsStringAsync(Ct);
                times.Add(clock.Elapsed.TotalMilliseconds);
                statuses.Add(response.StatusCode);
                bodies.Add(body);
            }
        }

        var (wrongMedian, unknownMedian) = (Median(wrong), Median(unknown));
        var difference = Math.Abs(wrongMedian - unknownMedian);
        Figures.Print(
            $"signin-enumeration: tries={Tries * 2} distinct_statuses={statuses.Count} distinct_bodies={bodies.Count} " +
            $"median_wrong_password_ms={wrongMedian:F1} median_unknown_user_ms={unknownMedian:F1} median_difference_ms={difference:F1}");
        Assert.Equal([HttpStatusCode.Unauthorized], statuses);
        Assert.Single(bodies);
        // Skipping the hash would make one series several times faster than the other.
        Assert.True(difference < Math.Max(wrongMedian, unknownMedian) * 0.5, $"medians {wrongMedian:F1} ms and {unknownMedian:F1} ms");
    }

    [Fact]
    public async Task SignIn_GuessingForTwoHours_AtMost100EvaluatedPerAccountInAnyHour()
    {
        // One guess every 3.6 s for two hours on a fake clock: 2,000 guesses, the right password among them twice.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var factory = new TokenImFactory { Clock = clock };
        var user = await factory.RegisterAsync();
        var client = factory.CreateClient();
        const int Guesses = 2_000;
        var step = TimeSpan.FromSeconds(3.6);
        var evaluatedAt = new List<TimeSpan>();
        int refused = 0, accepted = 0, other = 0;
        for (var i = 0; i < Guesses; i++)
        {
            var password = i % 1_000 == 500 ? user.Password : $"guess {i}";
            using var response = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, password));
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized: evaluatedAt.Add(step * i); break;
                case HttpStatusCode.TooManyRequests: refused++; break;
                case HttpStatusCode.OK: accepted++; break;
                default: other++; break;
            }

            clock.Advance(step);
        }

        // The most evaluated guesses in any one-hour window (sliding, over the evaluated times).
        var mostInAnHour = 0;
        for (int first = 0, last = 0; last < evaluatedAt.Count; last++)
        {
            while (evaluatedAt[last] - evaluatedAt[first] >= TimeSpan.FromHours(1))
                first++;
            mostInAnHour = Math.Max(mostInAnHour, last - first + 1);
        }

        Figures.Print($"brute-force: guesses={Guesses} hours=2 evaluated={evaluatedAt.Count} most_evaluated_in_any_hour={mostInAnHour} " +
            $"refused_unevaluated={refused} right_password_accepted_while_locked={accepted} other_answers={other}");
        Assert.Equal((100, 0, 0), (mostInAnHour, accepted, other));
    }

    [Fact]
    public async Task ForwardedFor_FromAPeerThatIsNotAConfiguredProxy_IsIgnored()
    {
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:RateLimits:Enabled"] = "true";
        factory.Settings["TokenIM:RateLimits:AuthRequestsPerAddressPerMinute"] = "3";
        var user = await factory.RegisterAsync();
        using var client = new HttpClient { BaseAddress = factory.BaseUri };

        // Each request claims another client address; the peer (127.0.0.1) is not a trusted proxy, so all count as one.
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
            statuses.Add((await LoginAsync(client, user, $"203.0.113.{i}")).StatusCode);

        var honoured = statuses.Count(s => s == HttpStatusCode.OK) - 3;
        Figures.Print($"xff-untrusted: requests=4 budget=3 spoofed_addresses_honoured={Math.Max(honoured, 0)}");
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task ForwardedFor_FromAConfiguredProxy_GivesEachClientItsOwnBudget()
    {
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:RateLimits:Enabled"] = "true";
        factory.Settings["TokenIM:RateLimits:AuthRequestsPerAddressPerMinute"] = "3";
        factory.Settings["TokenIM:Network:TrustedProxies:0"] = "127.0.0.1";
        var user = await factory.RegisterAsync();
        using var client = new HttpClient { BaseAddress = factory.BaseUri };

        var distinctClients = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
            distinctClients.Add((await LoginAsync(client, user, $"198.51.100.{i}")).StatusCode);
        var oneClient = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            oneClient.Add((await LoginAsync(client, user, "192.0.2.7")).StatusCode);

        Figures.Print(
            $"xff-trusted-proxy: distinct_clients_ok={distinctClients.Count(s => s == HttpStatusCode.OK)}/4 " +
            $"one_client_ok={oneClient.Count(s => s == HttpStatusCode.OK)}/4 budget=3");
        Assert.All(distinctClients, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], oneClient);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, TestUser user, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new LoginRequest(user.Username, user.Password), options: Api.Json),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request, Ct);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
