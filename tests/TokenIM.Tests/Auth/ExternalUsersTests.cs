using TokenIM.Server.Auth;

namespace TokenIM.Tests.Auth;

public sealed class ExternalUsersTests
{
    [Theory]
    [InlineData("Jane Doe", "jane_doe")]
    [InlineData("jane@example.com", "jane_example.com")]
    [InlineData("Zoë", "user_zo")]
    [InlineData("李", "user")]
    [InlineData("--x--", "user_x")]
    [InlineData(null, "user")]
    [InlineData("a-very-long-preferred-username-of-forty-chars", "a-very-long-preferred-use")]
    public void UsernameFrom_AnyClaim_AValidUsername(string? claim, string expected)
    {
        var username = ExternalUsers.UsernameFrom(claim);

        Assert.Equal(expected, username);
        Assert.Equal(username, CredentialRules.NormalizeUsername(username, out _));
    }
}
