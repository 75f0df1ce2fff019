using System.Net;
using System.Net.Http.Json;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Auth;

public sealed class RegistrationTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task Register_ValidAccount_ReturnsTokensAndUser()
    {
        var client = factory.CreateClient();
        var username = factory.NextUsername("reg");

        var response = await client.PostJsonAsync("/api/v1/auth/register", new RegisterRequest(username, Api.DefaultPassword, "  Régine  ", "laptop"));
        var tokens = await response.ReadAsync<TokenResponse>(HttpStatusCode.Created);

        Assert.Equal(username, tokens.User.Username);
        Assert.Equal("Régine", tokens.User.DisplayName);
        Assert.Equal(900, tokens.ExpiresIn);
        Assert.Equal(43, tokens.RefreshToken.Length);
        Assert.Equal(3, tokens.AccessToken.Split('.').Length);
        Assert.False(string.IsNullOrEmpty(tokens.SessionId));
        Assert.Equal($"/api/v1/users/{tokens.User.Id}", response.Headers.Location?.OriginalString);

        var me = await factory.ClientWith(tokens.AccessToken).GetAsync("/api/v1/users/me");
        Assert.Equal(tokens.User, await me.ReadAsync<UserDto>());
    }

    [Fact]
    public async Task Register_UpperCaseUsername_IsStoredLowerCase()
    {
        var name = factory.NextUsername("Case");
        var user = await factory.RegisterAsync(name);

        Assert.Equal(name.ToLowerInvariant(), user.Username);
        Assert.Equal(name.ToLowerInvariant(), user.User.DisplayName);
    }

    [Fact]
    public async Task Register_TakenUsernameInOtherCase_Returns409()
    {
        var user = await factory.RegisterAsync();

        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/register",
            new RegisterRequest(user.Username.ToUpperInvariant(), "another decent password"));

        await response.ReadProblemAsync(ErrorCode.UsernameTaken);
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("abc", true)]
    [InlineData("a2345678901234567890123456789012", true)]
    [InlineData("a23456789012345678901234567890123", false)]
    [InlineData("with space", false)]
    [InlineData("dots.and_dash-ok", true)]
    [InlineData("ümlaut", false)]
    [InlineData("semi;colon", false)]
    public async Task Register_UsernameLengthAndAlphabet_AreEnforced(string username, bool accepted)
    {
        // Each case gets its own server so the fixed usernames never collide.
        using var own = new TokenImFactory();
        var response = await own.CreateClient().PostJsonAsync("/api/v1/auth/register", new RegisterRequest(username, Api.DefaultPassword));

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        else
        {
            var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
            Assert.True(problem.Errors!.ContainsKey("username"));
        }
    }

    public static TheoryData<string, bool> Passwords => new()
    {
        { "abcdefg", false },                       // 7 characters
        { "zq8#vLm2", true },                       // 8 characters
        { new string('x', 127) + "y", true },       // 128 characters
        { new string('x', 128) + "y", false },      // 129 characters
        { string.Concat(Enumerable.Repeat("😀", 8)), true },   // 8 characters outside the BMP
        { string.Concat(Enumerable.Repeat("😀", 7)), false },  // 7 of them: 14 UTF-16 units, still 7 characters
        { "password", false },                      // on the common list
        { "PassWord1", false },                     // on the list without regard to case
        { "iloveyou", false },
        { new string('a', 2000), false },           // over 1 KiB: refused before hashing
    };

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task Register_PasswordPolicy_BoundariesHold(string password, bool accepted)
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/register", new RegisterRequest(factory.NextUsername("pw"), password));

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        else
        {
            var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
            Assert.True(problem.Errors!.ContainsKey("password"));
        }
    }

    [Fact]
    public async Task Register_PasswordEqualToUsername_IsRefused()
    {
        var name = factory.NextUsername("samepass");
        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/register", new RegisterRequest(name, name));

        var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.True(problem.Errors!.ContainsKey("password"));
    }

    [Theory]
    [InlineData("{\"username\":")]
    [InlineData("[1,2,3]")]
    [InlineData("not json")]
    public async Task Register_MalformedBody_Returns400Problem(string body)
    {
        var response = await factory.CreateClient().PostAsync("/api/v1/auth/register", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.ReadProblemAsync(ErrorCode.MalformedRequest);
    }

    [Fact]
    public async Task Register_BodyOver64KiB_Returns413Problem()
    {
        var huge = new RegisterRequest(factory.NextUsername("big"), Api.DefaultPassword, new string('n', 70_000));
        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/register", huge);

        await response.ReadProblemAsync(ErrorCode.RequestTooLarge);
    }

    [Fact]
    public async Task Register_DeclaredLengthOver64KiB_Returns413BeforeReading()
    {
        var body = new StringContent(new string(' ', 65 * 1024) + "{}", System.Text.Encoding.UTF8, "application/json");
        Assert.NotNull(body.Headers.ContentLength);

        var response = await factory.CreateClient().PostAsync("/api/v1/auth/register", body);

        await response.ReadProblemAsync(ErrorCode.RequestTooLarge);
    }

    [Fact]
    public async Task Register_DisplayNameTooLong_IsRefused()
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/v1/auth/register",
            new RegisterRequest(factory.NextUsername("dn"), Api.DefaultPassword, new string('d', 65)));

        var problem = await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.True(problem.Errors!.ContainsKey("displayName"));
    }

    [Fact]
    public async Task Register_ConcurrentSameUsername_CreatesExactlyOne()
    {
        var name = factory.NextUsername("race");
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/register", new RegisterRequest(name, Api.DefaultPassword), Api.Json)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }
}
