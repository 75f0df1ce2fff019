using System.Buffers.Text;
using System.Security.Cryptography;
using TokenIM.Server.Auth;

namespace TokenIM.Tests.Auth;

public sealed class ApiKeyTokenTests
{
    [Fact]
    public void Create_Token_ParsesBackToItsIdAndTheSecretsHash()
    {
        var (id, token, hash) = ApiKeyToken.Create();

        Assert.True(ApiKeyToken.TryParse(token, out var parsedId, out var parsedHash));
        Assert.Equal(id, parsedId);
        Assert.Equal(hash, parsedHash);
        Assert.Equal(SHA256.HashData(Base64Url.DecodeFromChars(token.AsSpan(37))), hash);
        Assert.Matches("^tim_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$", token);
    }

    [Fact]
    public void Create_TwoKeys_DifferInIdAndSecret()
    {
        var a = ApiKeyToken.Create();
        var b = ApiKeyToken.Create();

        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.SecretHash, b.SecretHash);
    }

    [Fact]
    public void TryParse_SecretWithUnderscores_SplitsAtTheFirstOne()
    {
        var secret = new string('_', 42) + "A";
        var token = "tim_0123456789abcdef0123456789abcdef_" + secret;

        Assert.True(ApiKeyToken.TryParse(token, out var id, out _));
        Assert.Equal("0123456789abcdef0123456789abcdef", id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tim_")]
    [InlineData("TIM_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tim_0123456789ABCDEF0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tim_0123456789abcdef0123456789abcde_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tim_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tim_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tim_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("tim_0123456789abcdef0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]
    public void TryParse_NotThisFormat_False(string? token)
    {
        Assert.False(ApiKeyToken.TryParse(token, out _, out _));
    }

    [Fact]
    public void Matches_SameHash_TrueOtherwiseFalse()
    {
        var (_, _, hash) = ApiKeyToken.Create();
        var other = ApiKeyToken.Create().SecretHash;

        Assert.True(ApiKeyToken.Matches(hash, [.. hash]));
        Assert.False(ApiKeyToken.Matches(hash, other));
    }
}
