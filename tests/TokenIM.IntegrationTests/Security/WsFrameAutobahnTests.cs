using System.Text;
using TokenIM.IntegrationTests.Infrastructure;
using static TokenIM.IntegrationTests.Security.Frames;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// The Autobahn test suite's categories of broken frames, written by hand over TCP after a real upgrade: each must end
/// in the close code RFC 6455 (or docs/protocol.md) names, the server must live on, and another user's socket on the
/// same server must not notice. Cases that must keep the socket open say so by expecting the client's own close (1000).
/// </summary>
public sealed class WsFrameAutobahnTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int ProtocolError = 1002;
    private const int InvalidData = 1007;
    private const int TooBig = 1009;
    private const int Normal = 1000;
    private const int MaxFrameBytes = 64 * 1024;
    private const int AbsurdPayload = MaxFrameBytes + 1;
    private static readonly byte[] s_mask = Mask(0x1F2E3D4C);

    private sealed record Case(string Name, int Expected, Func<FrameSocket, Task> Send);

    private static Func<FrameSocket, Task> Write(params byte[][] frames) => async socket =>
    {
        foreach (var frame in frames)
            await socket.WriteAsync(frame);
    };

    /// <summary>Writes the frames, then a JSON ping whose pong must come back: the socket survived them.</summary>
    private static Func<FrameSocket, Task> WriteAndStillAnswered(params byte[][] frames) => async socket =>
    {
        await Write(frames)(socket);
        await socket.WriteAsync(JsonPing("after", s_mask));
        Assert.True(await socket.NextTextFrameAsync(), "no pong after the frames");
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<Case> Cases()
    {
        var ping = Utf8("""{"op":"ping","id":"x"}""");
        foreach (var rsv in new[] { 1, 2, 4, 7 })
        {
            yield return new($"rsv={rsv} text", ProtocolError, Write(Build(Text, ping, s_mask, rsv: rsv)));
            yield return new($"rsv={rsv} ping", ProtocolError, Write(Build(Ping, [1, 2], s_mask, rsv: rsv)));
        }

        foreach (var opcode in new[] { 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 })
            yield return new($"opcode={opcode}", ProtocolError, Write(Build(opcode, ping, s_mask)));

        foreach (var opcode in new[] { Ping, Pong, Close })
            yield return new($"control {opcode:X} with 126 bytes", ProtocolError, Write(Build(opcode, new byte[126], s_mask)));
        yield return new("ping with 125 bytes", Normal, WriteAndStillAnswered(Build(Ping, new byte[125], s_mask)));
        foreach (var opcode in new[] { Ping, Pong, Close })
            yield return new($"fragmented control {opcode:X}", ProtocolError, Write(Build(opcode, [], s_mask, fin: false)));

        yield return new("unmasked text", ProtocolError, Write(Build(Text, ping, mask: null)));
        yield return new("unmasked ping", ProtocolError, Write(Build(Ping, [], mask: null)));
        yield return new("unmasked close", ProtocolError, Write(Build(Close, [3, 232], mask: null)));

        // Lengths: the 64-bit form with its top bit set is illegal; a legal but absurd one is cut off at the 64 KiB limit.
        // One byte over the limit must be enough for the 1009: the server once read long frames in whole pooled-buffer
        // fills (128 KiB) and, sent less, waited for the rest until the keep-alive ran out.
        yield return new("length 2^63", ProtocolError, Write(Build(Text, ping, s_mask, declaredLength: 1UL << 63)));
        yield return new("length 2^64-1", ProtocolError, Write(Build(Text, ping, s_mask, declaredLength: ulong.MaxValue)));
        yield return new("length 2^63-1", TooBig, Write(Build(Text, Filled(AbsurdPayload, (byte)'a'), s_mask, declaredLength: long.MaxValue)));
        yield return new("length 2^40 continuation", TooBig, Write(
            Build(Text, Utf8("{"), s_mask, fin: false),
            Build(Continuation, Filled(AbsurdPayload, (byte)'a'), s_mask, declaredLength: 1UL << 40)));
        yield return new("frame of 64 KiB + 1", TooBig, Write(Build(Text, Filled(MaxFrameBytes + 1, (byte)'a'), s_mask)));
        yield return new("binary frame", 4000, Write(Build(Binary, ping, s_mask)));

        yield return new("continuation without start", ProtocolError, Write(Build(Continuation, ping, s_mask)));
        yield return new("continuation without start, not final", ProtocolError, Write(Build(Continuation, ping, s_mask, fin: false)));
        yield return new("text inside fragmented text", ProtocolError, Write(Build(Text, Utf8("{"), s_mask, fin: false), Build(Text, ping, s_mask)));
        yield return new("binary inside fragmented text", ProtocolError, Write(Build(Text, Utf8("{"), s_mask, fin: false), Build(Binary, ping, s_mask)));
        yield return new("ping between fragments", Normal, WriteAndStillAnswered(
            Build(Text, ping.AsSpan(0, 5), s_mask, fin: false), Build(Ping, [7], s_mask), Build(Continuation, ping.AsSpan(5), s_mask)));

        yield return new("empty first fragment", Normal, WriteAndStillAnswered(Build(Text, [], s_mask, fin: false), Build(Continuation, ping, s_mask)));
        yield return new("empty last fragment", Normal, WriteAndStillAnswered(Build(Text, ping, s_mask, fin: false), Build(Continuation, [], s_mask)));
        yield return new("empty first fragment, ping between", Normal, WriteAndStillAnswered(
            Build(Text, [], s_mask, fin: false), Build(Ping, [7], s_mask), Build(Continuation, ping, s_mask)));
        yield return new("three fragments", Normal, WriteAndStillAnswered(
            Build(Text, ping.AsSpan(0, 3), s_mask, fin: false), Build(Continuation, ping.AsSpan(3, 5), s_mask, fin: false), Build(Continuation, ping.AsSpan(8), s_mask)));

        // UTF-8: overlong, surrogate, above U+10FFFF, a byte never valid, a truncated sequence; then splits across fragments.
        foreach (var bad in new byte[][] { [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x22, 0xE2, 0x82] })
            yield return new($"invalid UTF-8 {Convert.ToHexString(bad)}", InvalidData, Write(Build(Text, bad, s_mask)));
        var euro = Utf8("""{"op":"ping","id":"€"}""");
        var split = Array.IndexOf(euro, (byte)0xE2) + 1;
        yield return new("valid UTF-8 split inside a character", Normal, WriteAndStillAnswered(
            Build(Text, euro.AsSpan(0, split), s_mask, fin: false), Build(Continuation, euro.AsSpan(split), s_mask)));
        yield return new("invalid UTF-8 across fragments", InvalidData, Write(
            Build(Text, euro.AsSpan(0, split), s_mask, fin: false), Build(Continuation, Utf8("A\"}"), s_mask)));
        yield return new("invalid UTF-8 in an unfinished first fragment", InvalidData, Write(Build(Text, [0x7B, 0xF8, 0x88], s_mask, fin: false)));

        foreach (var code in new[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 })
            yield return new($"close code {code}", ProtocolError, Write(Frames.CloseFrame(code, s_mask)));
        foreach (var code in new[] { 1000, 1001, 1003, 1011, 3000, 4999 })
            yield return new($"close code {code}", Normal, Write(Frames.CloseFrame(code, s_mask)));
        yield return new("close payload of 1 byte", ProtocolError, Write(Build(Close, [0x03], s_mask)));
        yield return new("close without payload", Normal, Write(Build(Close, [], s_mask)));
        // RFC 6455 says only "fail the connection" for a close reason that is not UTF-8; .NET fails it with 1002.
        yield return new("close reason invalid UTF-8", ProtocolError, Write(Frames.CloseFrame(1000, s_mask, [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80])));
        yield return new("ping flood", Normal, async socket =>
        {
            const int pings = 2_000;
            var flood = Enumerable.Range(0, pings).SelectMany(i => Build(Ping, Filled(125, (byte)i), s_mask)).ToArray();
            await WriteAndStillAnswered(flood)(socket);
            Assert.Equal(pings, socket.Pongs);
        });
    }

    [Fact]
    public async Task AutobahnCategories_EachClosesWithTheExpectedCode_ServerAndOtherUsersUnaffected()
    {
        _ = factory.BaseUri;
        var fuzzer = await factory.RegisterAsync();
        await using var probe = await LiveProbe.OpenAsync(factory);
        var cases = 0;
        var unexpected = new List<string>();
        var crashes = 0;
        var resets = 0;

        foreach (var @case in Cases())
        {
            cases++;
            ServerVerdict verdict;
            await using (var socket = await FrameSocket.ConnectAsync(factory.Port, fuzzer.Tokens.AccessToken))
            {
                try
                {
                    await @case.Send(socket);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    unexpected.Add($"{@case.Name}: {e.Message}");
                }

                verdict = await socket.FinishAsync();
            }

            // 1011 is the one top-level catch of a socket: an exception the server did not expect.
            if (verdict.CloseCode == 1011)
                crashes++;
            var lostToReset = verdict.CloseCode is null && verdict.Reset && @case.Expected != Normal;
            if (lostToReset)
                resets++;
            else if (verdict.CloseCode != @case.Expected || !verdict.Answered)
                unexpected.Add($"{@case.Name}: expected {@case.Expected}, got {verdict.CloseCode?.ToString() ?? "no close frame"}{(verdict.Answered ? "" : " and no TCP close")}");
            await probe.RoundTripAsync();
        }

        Figures.Print($"ws-frames-autobahn: cases={cases} unexpected_close_codes={unexpected.Count} crashes={crashes} probe_ok={probe.Succeeded}/{cases} "
            + $"close_frame_lost_to_reset={resets}");
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected));
        Assert.Equal(0, crashes);
        Assert.Equal(cases, probe.Succeeded);
    }
}
