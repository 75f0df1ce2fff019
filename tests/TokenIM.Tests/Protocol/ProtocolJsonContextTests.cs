using System.Text.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.Tests.Protocol;

public sealed class ProtocolJsonContextTests
{
    private static readonly MessageEvent s_sample = new(new MessageDto("m1", "c1", 7, "u1", "k1", "你好 <b> & \"quotes\" ☃ 😀", new DateTimeOffset(2026, 11, 27, 10, 15, 30, 123, TimeSpan.Zero)));

    [Fact]
    public void Wire_WritesNonAsciiAsUtf8_AndMeansTheSameAsDefault()
    {
        var wire = JsonSerializer.Serialize(s_sample, ProtocolJsonContext.Wire.MessageEvent);
        var escaped = JsonSerializer.Serialize(s_sample, ProtocolJsonContext.Default.MessageEvent);

        Assert.Contains("你好", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("你好", escaped, StringComparison.Ordinal);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(wire).RootElement, JsonDocument.Parse(escaped).RootElement));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(wire) < System.Text.Encoding.UTF8.GetByteCount(escaped));
    }

    [Fact]
    public void Wire_HasTheSameSettingsAsTheGeneratedDefault()
    {
        var wire = ProtocolJsonContext.Wire.Options;
        var generated = ProtocolJsonContext.Default.Options;

        Assert.Equal(generated.PropertyNamingPolicy, wire.PropertyNamingPolicy);
        Assert.Equal(generated.DefaultIgnoreCondition, wire.DefaultIgnoreCondition);
        Assert.Equal(generated.NumberHandling, wire.NumberHandling);
        Assert.Equal(generated.PropertyNameCaseInsensitive, wire.PropertyNameCaseInsensitive);
        Assert.Equal(generated.Converters.Select(c => c.GetType()), wire.Converters.Select(c => c.GetType()));
    }

    [Theory]
    [InlineData("""{"conversationId":"c","seq":"5"}""")]
    [InlineData("""{"conversationId":"c","seq":5.5}""")]
    public void Read_NumberAsStringOrFraction_IsRefused(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, ProtocolJsonContext.Wire.ReadFrame));

    [Fact]
    public void ErrorCode_TryFind_FindsEveryCodeAndNothingElse()
    {
        Assert.All(ErrorCode.All, code => Assert.Same(code, ErrorCode.TryFind(code.Code)));
        Assert.Null(ErrorCode.TryFind("no_such_code"));
    }
}
