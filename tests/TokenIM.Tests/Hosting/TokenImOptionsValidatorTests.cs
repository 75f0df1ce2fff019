using TokenIM.Server.Hosting;

namespace TokenIM.Tests.Hosting;

public sealed class TokenImOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new TokenImOptionsValidator().Validate(null, new TokenImOptions()).Succeeded);

    [Fact]
    public void Validate_NodeTimeoutUnderTwoHeartbeats_FailsNamingTheSetting()
    {
        var options = new TokenImOptions();
        options.Bus.PresenceHeartbeat = TimeSpan.FromSeconds(10);
        options.Bus.PresenceNodeTimeout = TimeSpan.FromSeconds(15);

        var result = new TokenImOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TokenIM:Bus:PresenceNodeTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyPrefixWithSpace_Fails()
    {
        var options = new TokenImOptions();
        options.Bus.KeyPrefix = "two words";

        var result = new TokenImOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("KeyPrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutOfRangeInASectionOfASection_FailsNamingTheFullSetting()
    {
        var options = new TokenImOptions();
        options.Storage.Postgres.RetryUnavailableAfter = TimeSpan.FromHours(1);

        var result = new TokenImOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TokenIM:Storage:Postgres:RetryUnavailableAfter:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadValueInASectionNoListNames_Fails()
    {
        // Sections are found by walking the options: one added later (here Logging) is validated without editing the validator.
        var options = new TokenImOptions();
        options.Logging.Format = "xml";

        var result = new TokenImOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TokenIM:Logging:Format:", result.FailureMessage, StringComparison.Ordinal);
    }
}
