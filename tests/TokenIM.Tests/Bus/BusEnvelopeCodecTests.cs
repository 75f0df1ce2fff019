using System.Text;
using TokenIM.Server.Bus;

namespace TokenIM.Tests.Bus;

public sealed class BusEnvelopeCodecTests
{
    [Fact]
    public void Decode_AnEncodedDelivery_GivesItBackWithItsNode()
    {
        var frame = Encoding.UTF8.GetBytes("""{"op":"message","text":"你好"}""");
        var envelope = BusEnvelope.Deliver(["u1", "ü2"], frame, exceptConnectionId: "c9");

        var (decoded, node) = BusEnvelopeCodec.Decode(BusEnvelopeCodec.Encode(envelope, "node-a"))!.Value;

        Assert.Equal("node-a", node);
        Assert.Equal(BusEnvelopeKind.Deliver, decoded.Kind);
        Assert.Equal(["u1", "ü2"], decoded.UserIds);
        Assert.Equal(frame, decoded.Frame.ToArray());
        Assert.Equal("c9", decoded.ExceptConnectionId);
        Assert.Null(decoded.SessionId);
    }

    [Fact]
    public void Decode_ARevocation_KeepsItsSession()
    {
        var (decoded, _) = BusEnvelopeCodec.Decode(BusEnvelopeCodec.Encode(BusEnvelope.RevokeSession("u1", "s1"), "n"))!.Value;

        Assert.Equal(BusEnvelopeKind.RevokeSession, decoded.Kind);
        Assert.Equal("s1", decoded.SessionId);
        Assert.Equal(["u1"], decoded.UserIds);
        Assert.True(decoded.Frame.IsEmpty);
    }

    [Fact]
    public void Decode_AMembershipChange_KeepsItsConversation()
    {
        var (decoded, _) = BusEnvelopeCodec.Decode(BusEnvelopeCodec.Encode(BusEnvelope.MembershipChanged("c1", ["u1", "u2"]), "n"))!.Value;

        Assert.Equal(BusEnvelopeKind.MembershipChanged, decoded.Kind);
        Assert.Equal("c1", decoded.ConversationId);
        Assert.Equal(["u1", "u2"], decoded.UserIds);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0 })] // another version
    [InlineData(new byte[] { 1, 0, 200, 0, 0, 0, 1 })] // a string longer than the message
    public void Decode_BytesItCannotRead_IsNull(byte[] bytes) =>
        Assert.Null(BusEnvelopeCodec.Decode(bytes));

    [Fact]
    public void Decode_Truncated_IsNull()
    {
        var whole = BusEnvelopeCodec.Encode(BusEnvelope.Deliver(["u1"], new byte[] { 1, 2, 3 }), "n");

        Assert.Null(BusEnvelopeCodec.Decode(whole.AsMemory(0, whole.Length - 1)));
    }
}
