using System.Text.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Tests.Protocol;

public sealed class UtcTimestampConverterTests
{
    [Theory]
    [InlineData("2026-11-27T10:15:30.1234567+00:00", "2026-11-27T10:15:30.123Z")]
    [InlineData("2026-11-27T18:15:30+08:00", "2026-11-27T10:15:30.000Z")]
    public void Write_AlwaysUtcWithThreeFractionalDigits(string input, string expected)
    {
        var message = new MessageDto("m", "c", 1, "u", "k", "t", DateTimeOffset.Parse(input, System.Globalization.CultureInfo.InvariantCulture));

        var json = JsonSerializer.Serialize(message, ProtocolJsonContext.Default.MessageDto);

        Assert.Contains($"\"createdAt\":\"{expected}\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_UsesCamelCaseAndOmitsNulls()
    {
        var json = JsonSerializer.Serialize(new ProblemDto(null, "t", 400, null, "validation_failed"), ProtocolJsonContext.Default.ProblemDto);

        Assert.Equal("{\"title\":\"t\",\"status\":400,\"code\":\"validation_failed\"}", json);
    }
}
