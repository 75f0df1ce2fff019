using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Hooks;

/// <summary>The before-send hook's settings as start-up validation sees them: the hook sees message text, so https and a secret.</summary>
public sealed class HookSettingsTests
{
    private const string Secret = "whsec_0123456789abcdef";

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? url, string? secret, string failureMode = "open")
    {
        var options = new TokenImOptions();
        options.Hooks.BeforeSend.Url = url;
        options.Hooks.BeforeSend.Secret = secret;
        options.Hooks.BeforeSend.FailureMode = failureMode;
        return new TokenImOptionsValidator().Validate(null, options);
    }

    [Theory]
    [InlineData("https://hooks.example.com/before-send")]
    [InlineData("http://127.0.0.1:18090/")]
    [InlineData("http://localhost:18090/hook")]
    [InlineData("http://[::1]:18090/")]
    public void Validate_HttpsOrLoopbackHttpWithASecret_Succeeds(string url) =>
        Assert.True(Validate(url, Secret).Succeeded);

    [Theory]
    [InlineData("http://hooks.example.com/before-send")]
    [InlineData("http://10.0.0.7/before-send")]
    [InlineData("ftp://hooks.example.com/")]
    [InlineData("/relative/path")]
    public void Validate_PlainHttpToAnotherHostOrNotAnAbsoluteUrl_FailsNamingUrl(string url)
    {
        var result = Validate(url, Secret);

        Assert.True(result.Failed);
        Assert.Contains("TokenIM:Hooks:BeforeSend:Url", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    public void Validate_UrlWithoutALongEnoughSecret_FailsNamingSecret(string? secret)
    {
        var result = Validate("https://hooks.example.com/", secret);

        Assert.True(result.Failed);
        Assert.Contains("TokenIM:Hooks:BeforeSend:Secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownFailureMode_Fails()
    {
        var result = Validate("https://hooks.example.com/", Secret, "sometimes");

        Assert.True(result.Failed);
        Assert.Contains("FailureMode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoUrl_NeedsNothingElse() => Assert.True(Validate(null, null).Succeeded);
}
