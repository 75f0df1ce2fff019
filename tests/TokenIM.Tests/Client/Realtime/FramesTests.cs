using TokenIM.Client.Realtime;
using TokenIM.Protocol;
using TokenIM.Protocol.Ws;

namespace TokenIM.Tests.Client.Realtime;

public sealed class FramesTests
{
    [Theory]
    [InlineData("""{"op":"ack","re":"1"}""", "ack")]
    [InlineData("""{"re":"1","nested":{"op":"inner"},"list":[{"op":"x"}],"op":"pong"}""", "pong")]
    [InlineData("""{"re":"1"}""", null)]
    [InlineData("""{"op":7}""", null)]
    [InlineData("""["op"]""", null)]
    public void ReadOp_FindsTheTopLevelOpWhereverItStands(string json, string? expected)
    {
        Assert.Equal(expected, Frames.ReadOp(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Encode_WritesTheOpFirstAndOmitsNulls()
    {
        var bytes = Frames.Encode(new SyncFrame("8", "c1", 40), ProtocolJsonContext.Default.SyncFrame);

        Assert.Equal("""{"op":"sync","id":"8","conversationId":"c1","afterSeq":40}""", System.Text.Encoding.UTF8.GetString(bytes));
    }
}
