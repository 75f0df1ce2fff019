using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TokenIM.Server.Bus;

/// <summary>
/// The wire form of a <see cref="BusEnvelope"/> between nodes: a version byte, the publishing node, the kind, the
/// strings (length-prefixed UTF-8) and the frame's bytes as they are, so a frame is still encoded only once.
/// </summary>
internal static class BusEnvelopeCodec
{
    private const byte Version = 1;

    public static byte[] Encode(BusEnvelope envelope, string nodeId)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + envelope.Frame.Length + (envelope.UserIds.Count * 34));
        buffer.Write([Version, (byte)envelope.Kind]);
        WriteString(buffer, nodeId);
        WriteString(buffer, envelope.ExceptConnectionId);
        WriteString(buffer, envelope.SessionId);
        WriteString(buffer, envelope.ConversationId);
        WriteInt(buffer, envelope.UserIds.Count);
        foreach (var userId in envelope.UserIds)
            WriteString(buffer, userId);
        WriteInt(buffer, envelope.Frame.Length);
        buffer.Write(envelope.Frame.Span);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The envelope and the node that published it; null for bytes this version cannot read.</summary>
    public static (BusEnvelope Envelope, string NodeId)? Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        try
        {
            if (reader.Byte() != Version)
                return null;
            var kind = (BusEnvelopeKind)reader.Byte();
            var nodeId = reader.String() ?? string.Empty;
            var except = reader.String();
            var sessionId = reader.String();
            var conversationId = reader.String();
            var userIds = new string[reader.Int()];
            for (var i = 0; i < userIds.Length; i++)
                userIds[i] = reader.String() ?? string.Empty;
            var frame = reader.Bytes(reader.Int());
            return (new BusEnvelope(kind, userIds, frame, except, sessionId, conversationId), nodeId);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return null; // Truncated or garbled: not from a node of this version.
        }
    }

    private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    // -1 for null, else the UTF-8 length and bytes.
    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteInt(buffer, -1);
            return;
        }

        WriteInt(buffer, Encoding.UTF8.GetByteCount(value));
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length))));
    }

    private struct Reader(ReadOnlyMemory<byte> bytes)
    {
        private int _at;

        public byte Byte() => bytes.Span[_at++];

        public int Int()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(bytes.Span.Slice(_at, 4));
            _at += 4;
            return value;
        }

        public string? String()
        {
            var length = Int();
            if (length < 0)
                return null;
            var value = Encoding.UTF8.GetString(bytes.Span.Slice(_at, length));
            _at += length;
            return value;
        }

        public ReadOnlyMemory<byte> Bytes(int length)
        {
            var value = bytes.Slice(_at, length);
            _at += length;
            return value;
        }
    }
}
