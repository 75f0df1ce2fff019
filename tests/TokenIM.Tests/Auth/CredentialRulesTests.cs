using TokenIM.Server.Auth;

namespace TokenIM.Tests.Auth;

public sealed class CredentialRulesTests
{
    [Fact]
    public void CommonPasswords_HoldAtLeastTenThousandEntries() => Assert.True(CredentialRules.CommonPasswordCount >= 10_000, $"{CredentialRules.CommonPasswordCount}");

    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("  bob.smith ", "bob.smith")]
    [InlineData("x_y-z", "x_y-z")]
    public void NormalizeUsername_LowerCasesAndTrims(string input, string expected)
    {
        Assert.Equal(expected, CredentialRules.NormalizeUsername(input, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("name@host")]
    [InlineData("ı-dotless")]
    public void NormalizeUsername_Invalid_GivesError(string? input)
    {
        Assert.Null(CredentialRules.NormalizeUsername(input, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void CheckPassword_LoneSurrogate_IsRefused() => Assert.NotNull(CredentialRules.CheckPassword("abcdefgh\ud800", null));

    [Theory]
    [InlineData("bell\u0007name")]
    [InlineData("line\nbreak")]
    public void CleanName_ControlCharacters_AreRefused(string name)
    {
        Assert.Null(CredentialRules.CleanName(name, 64, "fallback", out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void CleanName_Empty_GivesFallback() => Assert.Equal("fallback", CredentialRules.CleanName("   ", 64, "fallback", out _));
}
