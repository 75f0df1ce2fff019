using System.Buffers.Binary;
using System.Text;

namespace TokenIM.IntegrationTests.Security;

/// <summary>RFC 6455 client frames as bytes, with every field open to abuse.</summary>
internal static class Frames
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    public static byte[] Mask(uint key)
    {
        var mask = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(mask, key);
        return mask;
    }

    /// <summary>
    /// One frame. <paramref name="rsv"/> is the three reserved bits (0–7); a null <paramref name="mask"/> sends it
    /// unmasked; <paramref name="declaredLength"/> writes a length other than the payload's (the 64-bit form).
    /// </summary>
    public static byte[] Build(int opcode, ReadOnlySpan<byte> payload, byte[]? mask, bool fin = true, int rsv = 0, ulong? declaredLength = null)
    {
        var frame = new List<byte>(payload.Length + 14) { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        var maskBit = mask is null ? 0 : 0x80;
        if (declaredLength is { } declared)
        {
            frame.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, declared);
            frame.AddRange(length);
        }
        else if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        if (mask is null)
        {
            frame.AddRange(payload);
            return [.. frame];
        }

        frame.AddRange(mask);
        for (var i = 0; i < payload.Length; i++)
            frame.Add((byte)(payload[i] ^ mask[i % 4]));
        return [.. frame];
    }

    public static byte[] TextFrame(string text, byte[] mask, bool fin = true) => Build(Text, Encoding.UTF8.GetBytes(text), mask, fin);

    /// <summary>A close frame with a status code and an optional raw reason.</summary>
    public static byte[] CloseFrame(int code, byte[] mask, ReadOnlySpan<byte> reason = default)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        reason.CopyTo(payload.AsSpan(2));
        return Build(Close, payload, mask);
    }

    public static byte[] Filled(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    /// <summary>A JSON ping op the server answers with a pong text frame: proof it read everything before it.</summary>
    public static byte[] JsonPing(string id, byte[] mask) => TextFrame($"{{\"op\":\"ping\",\"id\":\"{id}\"}}", mask);
}
