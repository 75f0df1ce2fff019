using System.Net;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

public sealed class LoginTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task Login_RightPassword_StartsNewSession()
    {
        var user = await factory.RegisterAsync();

        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username.ToUpperInvariant(), user.Password, "phone"));
        var tokens = await response.ReadAsync<TokenResponse>();

        Assert.Equal(user.Id, tokens.User.Id);
        Assert.NotEqual(user.Tokens.SessionId, tokens.SessionId);
        var sessions = await (await factory.ClientWith(tokens.AccessToken).GetAsync("/api/v1/auth/sessions")).ReadAsync<SessionList>();
        Assert.Equal(2, sessions.Sessions.Count);
        Assert.Equal("phone", Assert.Single(sessions.Sessions, s => s.Current).DeviceName);
    }

    [Fact]
    public async Task Login_UnknownUserAndWrongPassword_AnswerIdentically()
    {
        var user = await factory.RegisterAsync();
        var client = factory.CreateClient();

        var wrongPassword = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, "not the password"));
        var unknownUser = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(factory.NextUsername("ghost"), "not the password"));

        await wrongPassword.ReadProblemAsync(ErrorCode.InvalidCredentials);
        await unknownUser.ReadProblemAsync(ErrorCode.InvalidCredentials);
        Assert.Equal(await wrongPassword.Content.ReadAsStringAsync(), await unknownUser.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Login_PasswordOver1KiB_IsRefusedBeforeHashing()
    {
        var user = await factory.RegisterAsync();

        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, new string('p', 1025)));

        var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.True(problem.Errors!.ContainsKey("password"));
    }

    [Fact]
    public async Task Login_100FailuresInAnHour_LocksTheAccountUntilTheWindowPasses()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        using var own = new TokenImFactory { Clock = clock };
        var user = await own.RegisterAsync();
        var client = own.CreateClient();

        for (var i = 0; i < 100; i++)
        {
            var failed = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, $"wrong password {i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            clock.Advance(TimeSpan.FromSeconds(30));
        }

        // The 101st attempt is refused unevaluated, even with the right password.
        var locked = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password));
        var problem = await locked.ReadProblemAsync(ErrorCode.RateLimited);
        Assert.True(problem.RetryAfterMs > 0);
        Assert.NotNull(locked.Headers.RetryAfter);

        // An unknown account is throttled the same way, so the lock reveals nothing about existence.
        var ghost = own.NextUsername("ghost");
        for (var i = 0; i < 100; i++)
            await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(ghost, "wrong password"));
        await (await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(ghost, "wrong password"))).ReadProblemAsync(ErrorCode.RateLimited);

        // The first failure (at 0 s; now is 3,000 s) leaves the window an hour after it happened: then one more attempt is evaluated.
        clock.Advance(TimeSpan.FromSeconds(599));
        await (await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).ReadProblemAsync(ErrorCode.RateLimited);
        clock.Advance(TimeSpan.FromSeconds(1));
        var allowed = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Login_PerAddressLimit_Returns429WithRetryAfter()
    {
        using var own = new TokenImFactory();
        own.Settings["TokenIM:RateLimits:Enabled"] = "true";
        own.Settings["TokenIM:RateLimits:AuthRequestsPerAddressPerMinute"] = "3";
        var user = await own.RegisterAsync();
        var client = own.CreateClient();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).StatusCode);
        var limited = await client.PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password));

        var problem = await limited.ReadProblemAsync(ErrorCode.RateLimited);
        Assert.True(problem.RetryAfterMs > 0);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task Register_PerAddressLimit_Returns429()
    {
        using var own = new TokenImFactory();
        own.Settings["TokenIM:RateLimits:Enabled"] = "true";
        own.Settings["TokenIM:RateLimits:RegistrationsPerAddressPerHour"] = "2";
        await own.RegisterAsync();
        await own.RegisterAsync();

        var response = await own.CreateClient().PostJsonAsync("/api/v1/auth/register", new RegisterRequest(own.NextUsername(), Api.DefaultPassword));

        await response.ReadProblemAsync(ErrorCode.RateLimited);
    }

    [Fact]
    public async Task Login_HashWithFewerIterations_IsRedoneWithTheConfiguredCost()
    {
        var data = Path.Combine(Path.GetTempPath(), "tokenim-tests", Guid.NewGuid().ToString("N"));
        TestUser user;
        using (var cheap = TokenImFactory.Over(data))
        {
            user = await cheap.RegisterAsync("rehash");
            Assert.StartsWith("pbkdf2-sha256$1000$", await StoredHashAsync(cheap, user.Id), StringComparison.Ordinal);
        }

        // A restart over the same data with a higher configured cost.
        using var stronger = TokenImFactory.Over(data);
        stronger.Settings["TokenIM:Passwords:Pbkdf2Iterations"] = "2000";
        var response = await stronger.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.StartsWith("pbkdf2-sha256$2000$", await StoredHashAsync(stronger, user.Id), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await stronger.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(user.Username, user.Password))).StatusCode);
        Directory.Delete(data, recursive: true);
    }

    private static async Task<string> StoredHashAsync(TokenImFactory server, string userId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "tokenim.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT PasswordHash FROM users WHERE Id = $id";
        command.Parameters.AddWithValue("$id", userId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
