using System.Text;
using TokenIM.IntegrationTests.Infrastructure;
using static TokenIM.IntegrationTests.Security.Frames;

namespace TokenIM.IntegrationTests.Security;

/// <summary>Run alone: the test compares the process's managed heap before and after, which other classes would disturb.</summary>
[CollectionDefinition(nameof(WsFrameRandomTests), DisableParallelization = true)]
public sealed class WsFrameRandomRunsAlone;

/// <summary>
/// Seeded random frames (System.Random, fixed seed) over many connections in sequence: mostly well-formed traffic
/// (JSON pings, random Unicode text, fragments split anywhere, pings and pongs) with broken frames mixed in (random
/// headers, reserved bits, no mask, lying lengths, invalid UTF-8, binary). Every connection must end with a close code
/// the protocol names, the server never fails a socket with 1011, another user's socket keeps working, and the heap
/// after a full GC grows less than <see cref="HeapGrowthBound"/>. CI sends 10,000 frames; set TOKENIM_FUZZ_FRAMES=100000
/// for the full size.
/// </summary>
[Collection(nameof(WsFrameRandomTests))]
public sealed class WsFrameRandomTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int Seed = 20261127;
    private const long HeapGrowthBound = 32L * 1024 * 1024;
    private const int ConnectionsPerProbe = 50;
    private const int MaxFrameBytes = 64 * 1024;
    private static readonly int[] s_allowedCloses = [1000, 1002, 1007, 1009, 4000];

    private static int FrameCount =>
        int.TryParse(Environment.GetEnvironmentVariable("TOKENIM_FUZZ_FRAMES"), out var frames) && frames > 0 ? frames : 10_000;

    [Fact]
    public async Task RandomFrames_ExpectedClosesOnly_NoCrashProbeUndisturbedHeapBounded()
    {
        _ = factory.BaseUri;
        var fuzzer = await factory.RegisterAsync();
        await using var probe = await LiveProbe.OpenAsync(factory);
        var random = new Random(Seed);
        await RunConnectionAsync(fuzzer.Tokens.AccessToken, random, 20);
        var heapBefore = Heap();

        var frames = 0;
        var connections = 0;
        var crashes = 0;
        var dropped = 0;
        var unexpected = new List<string>();
        while (frames < FrameCount)
        {
            var (sent, broken, verdict) = await RunConnectionAsync(fuzzer.Tokens.AccessToken, random, random.Next(1, 60));
            frames += sent;
            connections++;
            if (verdict is null || verdict.CloseCode == 1011)
                crashes++;
            else if (!verdict.Answered || (!broken && verdict.CloseCode != 1000))
                unexpected.Add($"connection {connections} (only valid frames: {!broken}): {verdict}");
            else if (verdict.CloseCode is null)
                dropped++;
            else if (!s_allowedCloses.Contains(verdict.CloseCode.Value))
                unexpected.Add($"connection {connections}: {verdict}");
            if (connections % ConnectionsPerProbe == 0)
                await probe.RoundTripAsync();
        }

        await probe.RoundTripAsync();
        var growth = Heap() - heapBefore;
        Figures.Print($"ws-frames-random: frames={frames} connections={connections} crashes={crashes} probe_failures={probe.Failed} "
            + $"unexpected_close_codes={unexpected.Count} dropped_without_close_frame={dropped} heap_growth_bytes={growth}");
        Assert.Equal(0, crashes);
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected.Take(20)));
        Assert.Equal(0, probe.Failed);
        Assert.True(growth < HeapGrowthBound, $"The heap grew by {growth} bytes.");
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>One connection: up to <paramref name="budget"/> frames or until the server closes; null verdict when it could not even connect.</summary>
    private async Task<(int Sent, bool Broken, ServerVerdict? Verdict)> RunConnectionAsync(string token, Random random, int budget)
    {
        FrameSocket socket;
        try
        {
            socket = await FrameSocket.ConnectAsync(factory.Port, token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"connect failed: {e.Message}");
            return (0, false, null);
        }

        await using (socket)
        {
            var sent = 0;
            var broken = false;
            while (sent < budget && !socket.ServerClosed)
            {
                var (item, fails) = NextItem(random);
                broken |= fails;
                if (!await socket.WriteAsync(item.SelectMany(frame => frame).ToArray()))
                    break;
                sent += item.Count;
            }

            return (sent, broken, await socket.FinishAsync());
        }
    }

    private static byte[] RandomMask(Random random) => Mask((uint)random.Next() ^ ((uint)random.Next(2) << 31));

    /// <summary>
    /// One item of traffic: a frame, or a fragmented message (its frames, possibly with a ping between); and whether it
    /// may fail the connection (the rest never may: a connection of them only must end with the client's own 1000).
    /// </summary>
    private static (List<byte[]> Frames, bool MayFail) NextItem(Random random)
    {
        var roll = random.Next(100);
        var mask = RandomMask(random);
        return roll switch
        {
            < 35 => (Fragmented(random, Encoding.UTF8.GetBytes($"{{\"op\":\"ping\",\"id\":\"r{random.Next()}\",\"pad\":\"{new string('x', random.Next(0, 2000))}\"}}")), false),
            < 52 => (Fragmented(random, Encoding.UTF8.GetBytes(RandomText(random))), false),
            < 65 => ([Build(Ping, RandomBytes(random, random.Next(0, 126)), mask)], false),
            < 74 => ([Build(Pong, RandomBytes(random, random.Next(0, 126)), mask)], false),
            < 78 => ([Build(Text, [], mask)], false),
            < 81 => ([Build(Text, RandomBytes(random, random.Next(1, 300)), mask)], true),
            < 83 => ([Build(Binary, RandomBytes(random, random.Next(0, 300)), mask)], true),
            < 90 => ([Mutated(random, mask)], true),
            _ => ([RandomHeader(random)], true),
        };
    }

    /// <summary>A text message cut at random byte offsets (inside characters too), sometimes with a ping between fragments.</summary>
    private static List<byte[]> Fragmented(Random random, byte[] payload)
    {
        var pieces = random.Next(1, 5);
        var cuts = Enumerable.Range(0, pieces - 1).Select(_ => random.Next(0, payload.Length + 1)).Order().Append(payload.Length).ToArray();
        var frames = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < cuts.Length; i++)
        {
            frames.Add(Build(i == 0 ? Text : Continuation, payload.AsSpan(start, cuts[i] - start), RandomMask(random), fin: i == cuts.Length - 1));
            if (i < cuts.Length - 1 && random.Next(4) == 0)
                frames.Add(Build(Ping, RandomBytes(random, random.Next(0, 20)), RandomMask(random)));
            start = cuts[i];
        }

        return frames;
    }

    /// <summary>Random code points from ASCII to astral planes (no surrogates): valid UTF-8, mostly invalid JSON.</summary>
    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 200); i > 0; i--)
        {
            var codePoint = random.Next(4) switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => random.Next(0x80, 0x800),
                2 => random.Next(0xE000, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return text.ToString();
    }

    /// <summary>A well-formed frame with one thing broken: reserved bits, no mask, a reserved opcode, an oversized or fragmented control frame, or a continuation with nothing to continue.</summary>
    private static byte[] Mutated(Random random, byte[] mask)
    {
        var payload = RandomBytes(random, random.Next(0, 100));
        return random.Next(6) switch
        {
            0 => Build(Text, payload, mask, rsv: random.Next(1, 8)),
            1 => Build(Text, payload, mask: null),
            2 => Build(random.Next(2) == 0 ? random.Next(3, 8) : random.Next(11, 16), payload, mask),
            3 => Build(Ping, RandomBytes(random, random.Next(126, 400)), mask),
            4 => Build(Ping, payload.AsSpan(0, Math.Min(payload.Length, 125)), mask, fin: false),
            _ => Build(Continuation, payload, mask),
        };
    }

    /// <summary>
    /// Two random header bytes, a random extended length and as much payload as it claims, up to the point where the
    /// server must have given up (2 × 64 KiB + 1: it reads long frames in whole buffer fills).
    /// </summary>
    private static byte[] RandomHeader(Random random)
    {
        var head = new List<byte> { (byte)random.Next(256), (byte)random.Next(256) };
        ulong declared = (ulong)(head[1] & 0x7F);
        if (declared == 126)
        {
            declared = (ulong)random.Next(0, 65536);
            head.Add((byte)(declared >> 8));
            head.Add((byte)declared);
        }
        else if (declared == 127)
        {
            declared = random.Next(4) == 0 ? (ulong)random.NextInt64() | (1UL << 63) : (ulong)random.NextInt64(0, 1L << 40);
            for (var shift = 56; shift >= 0; shift -= 8)
                head.Add((byte)(declared >> shift));
        }

        if ((head[1] & 0x80) != 0)
            head.AddRange(RandomBytes(random, 4));
        head.AddRange(RandomBytes(random, (int)Math.Min(declared, 2 * MaxFrameBytes + 1)));
        return [.. head];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
