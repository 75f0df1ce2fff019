using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TokenIM.IntegrationTests.Security;

/// <summary>RFC 6455 by hand: the upgrade, client frames as bytes with every field open to abuse, and server frames read back.</summary>
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

    /// <summary>
    /// Opens a TCP connection and sends the upgrade (tokenim.v1; the token in the Authorization header when given);
    /// returns the response head, the key sent, and whatever bytes came after the head.
    /// </summary>
    public static async Task<(TcpClient Tcp, string Head, string Key, byte[] Leftover)> UpgradeAsync(int port, string? accessToken, TimeSpan wait)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(wait);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: tokenim.v1\r\n"
            + (accessToken is null ? string.Empty : $"Authorization: Bearer {accessToken}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(wait);

        var buffer = new byte[8192];
        var length = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length)).AsTask().WaitAsync(wait);
            Assert.True(read > 0, "The server dropped the connection during the upgrade.");
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (tcp, Encoding.ASCII.GetString(buffer, 0, end), key, buffer[(end + 4)..length]);
            Assert.True(length < buffer.Length, "Upgrade response too long.");
        }
    }

    /// <summary>Takes one whole server frame off the front of the buffer (server frames are never masked).</summary>
    public static bool TryTakeServerFrame(List<byte> buffer, out int opcode, out byte[] payload)
    {
        opcode = 0;
        payload = [];
        if (buffer.Count < 2)
            return false;
        var header = 2;
        long length = buffer[1] & 0x7F;
        if (length == 126)
        {
            header = 4;
            if (buffer.Count < header)
                return false;
            length = (buffer[2] << 8) | buffer[3];
        }
        else if (length == 127)
        {
            header = 10;
            if (buffer.Count < header)
                return false;
            length = BinaryPrimitives.ReadInt64BigEndian(buffer.GetRange(2, 8).ToArray());
        }

        if (buffer.Count < header + length)
            return false;
        opcode = buffer[0] & 0x0F;
        payload = buffer.GetRange(header, (int)length).ToArray();
        buffer.RemoveRange(0, header + (int)length);
        return true;
    }
}
