using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// Property-based fuzzing (CsCheck, fixed seed) of every client op of the socket protocol with mutated frames
/// (<see cref="JsonMutations"/>): wrong JSON types per field, missing and extra fields, megabyte strings, 10,000 levels
/// of nesting, NUL, lone surrogates, overlong numbers, duplicate keys, hostile text. The socket never closes with 1011,
/// answers every frame the rules refuse with an <c>error</c> of a catalogue code (or, over 64 KiB, the documented
/// 1009), never acks, syncs or pongs one, and stores nothing invalid; hostile but valid texts arrive unchanged. A live
/// probe between two other users keeps working. CI runs 40 frames per op; <c>TOKENIM_FULL_SIZES=1</c> runs 500.
/// </summary>
public sealed class MessageFuzzSocketTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int MaxFrameBytes = 64 * 1024;
    private static readonly int s_casesPerOp = FuzzRun.FullSizes ? 500 : 40;
    private static readonly string[] s_successes = ["ack", "ok", "synced", "pong", "ready"];

    private sealed class Tally
    {
        public int Cases, MustRefuse, Crashes, Unanswered, InvalidAccepted, InvalidStored, UnknownCodes, UnexpectedCloses, Closes1009;

        public List<string> Failures { get; } = [];

        public void Fail(ref int counter, string failure)
        {
            counter++;
            Failures.Add(failure);
        }
    }

    [Fact]
    public async Task EveryOp_MutatedFrames_AnsweredNever1011NoInvalidAcceptedProbeUndisturbed()
    {
        _ = factory.BaseUri;
        await using var probe = await LiveProbe.OpenAsync(factory);
        var fuzzer = await factory.RegisterAsync(factory.NextUsername("fuzz"));
        var peer = await factory.RegisterAsync(factory.NextUsername("peer"));
        var group = await fuzzer.CreateGroupAsync("socket fuzz", peer);
        var uncovered = SocketFuzzOps.ProtocolOps().Except(SocketFuzzOps.All.Select(o => o.Op)).ToList();
        Assert.True(uncovered.Count == 0, $"Client ops without an entry in SocketFuzzOps: {string.Join(", ", uncovered)}");

        var tally = new Tally();
        var unique = 0;
        var context = new SocketFuzzContext(group.Id, fuzzer.Tokens.AccessToken, prefix => $"{prefix}{++unique}");
        var socket = await factory.OpenAsync(fuzzer);
        uint stream = 100;
        try
        {
            foreach (var op in SocketFuzzOps.All)
            {
                var index = 0;
                foreach (var mutation in FuzzRun.Cases(JsonMutations.For(op.Fields), ++stream, s_casesPerOp))
                {
                    var (json, mustRefuse) = mutation.Apply(op.Valid(context));
                    if (mustRefuse || op.AlwaysRefused)
                        tally.MustRefuse++;
                    var label = $"{op.Op}{(op.FirstFrame ? " (first frame)" : string.Empty)} case {index++} (stream {stream}): {mutation.What}";
                    if (op.FirstFrame)
                        await RunFirstFrameAsync(json, mustRefuse, tally, label);
                    else if (!await RunAsync(socket, op, json, mustRefuse || op.AlwaysRefused, tally, label))
                    {
                        await socket.DisposeAsync();
                        socket = await factory.OpenAsync(fuzzer);
                    }

                    if (++tally.Cases % 50 == 0)
                        await probe.RoundTripAsync();
                }
            }
        }
        finally
        {
            await socket.DisposeAsync();
        }

        await ReadBackAsync(fuzzer, group.Id, tally);
        await probe.RoundTripAsync();
        Figures.Print($"message-fuzz-socket: seed={FuzzRun.Seed} cases={tally.Cases} must_refuse={tally.MustRefuse} ops={SocketFuzzOps.All.Count} 1011={tally.Crashes} unanswered={tally.Unanswered} "
            + $"invalid_accepted={tally.InvalidAccepted} invalid_stored={tally.InvalidStored} unknown_codes={tally.UnknownCodes} "
            + $"unexpected_closes={tally.UnexpectedCloses} closes_1009={tally.Closes1009} probe_failures={probe.Failed}");
        Assert.True(tally.Failures.Count == 0, $"seed {FuzzRun.Seed} (TOKENIM_FUZZ_SEED replays it):{Environment.NewLine}{string.Join(Environment.NewLine, tally.Failures.Take(30))}");
        Assert.Equal(0, probe.Failed);
    }

    [Fact]
    public async Task HostileTexts_SentOverSocket_DeliveredSyncedAndStoredUnchanged()
    {
        var (fuzzer, peer, conversationId) = await factory.PairAsync();
        await using var sender = await factory.OpenAsync(fuzzer);
        await using var receiver = await factory.OpenAsync(peer);
        await GatewayHelpers.SettleAsync(sender, receiver);
        var (tried, mismatches) = (0, new List<string>());
        foreach (var text in FuzzRun.HostileTexts(stream: 2000, random: FuzzRun.FullSizes ? 500 : 60))
        {
            tried++;
            var ack = await sender.SendAckedAsync(conversationId, text, $"hostile-{tried}", $"h{tried}");
            var seq = ack.Long("seq");
            var delivered = (await receiver.ReceiveOpAsync("message")).GetProperty("message").Str("text");
            await sender.SendAsync(new { op = "sync", id = $"hs{tried}", conversationId, afterSeq = seq - 1, limit = 1 });
            var synced = (await sender.ReceiveOpAsync("synced")).GetProperty("messages")[0].Str("text");
            var stored = (await fuzzer.PageAsync(conversationId, $"?afterSeq={seq - 1}&limit=1")).Messages.Single().Text;
            if (delivered != text || synced != text || stored != text)
                mismatches.Add($"{JsonMutations.Short(text)}: delivered {JsonMutations.Short(delivered ?? "(none)")}, synced {JsonMutations.Short(synced ?? "(none)")}, stored {JsonMutations.Short(stored)}");
        }

        Figures.Print($"message-fuzz-socket-hostile: seed={FuzzRun.Seed} texts={tried} hostile_roundtrip_mismatch={mismatches.Count}");
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    /// <summary>One fuzzed frame on the open socket, then a ping barrier; false when the server closed the socket.</summary>
    private static async Task<bool> RunAsync(RawSocket socket, SocketOp op, string json, bool mustRefuse, Tally tally, string label)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var oversized = bytes.Length > MaxFrameBytes;
        var barrier = $"barrier-{tally.Cases}";
        var frames = new List<JsonElement>();
        int? close = null;
        try
        {
            await socket.SendRawAsync(bytes);
            await socket.SendTextAsync($"{{\"op\":\"ping\",\"id\":\"{barrier}\"}}");
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or TimeoutException)
        {
            // The server closed while the frame was being written (a frame over the limit): its close code is read below.
        }

        try
        {
            while (close is null)
            {
                var (frame, closed) = await socket.ReceiveFrameOrCloseAsync();
                if (frame is not { } f)
                    close = closed;
                else if (f.Op() == "pong" && f.Str("re") == barrier)
                    break;
                else
                    frames.Add(f);
            }

            // An ack leaves after the commit, so it may follow the barrier's pong: a send is answered by an ack or an error.
            while (close is null && op.Op == "send" && !oversized && !frames.Any(f => f.Op() is "ack" or "error"))
            {
                var (frame, closed) = await socket.ReceiveFrameOrCloseAsync();
                if (frame is { } f)
                    frames.Add(f);
                close = closed;
            }
        }
        catch (TimeoutException)
        {
            tally.Fail(ref tally.Unanswered, $"{label}: no answer within 15 s");
            return false;
        }

        foreach (var error in frames.Where(f => f.Op() == "error" && ErrorCode.TryFind(f.Str("code")) is null))
            tally.Fail(ref tally.UnknownCodes, $"{label}: error of an unknown code {error.GetRawText()}");
        if (close is { } code)
        {
            if (code == 1011)
                tally.Fail(ref tally.Crashes, $"{label}: closed with 1011");
            else if (oversized && code == 1009)
                tally.Closes1009++;
            else
                tally.Fail(ref tally.UnexpectedCloses, $"{label}: closed with {code} ({bytes.Length} bytes)");
            return false;
        }

        if (oversized)
            tally.Fail(ref tally.UnexpectedCloses, $"{label}: a frame of {bytes.Length} bytes was not closed with 1009");
        else if (mustRefuse && frames.FirstOrDefault(f => s_successes.Contains(f.Op())) is { ValueKind: JsonValueKind.Object } accepted)
            tally.Fail(ref tally.InvalidAccepted, $"{label}: accepted with {Cut(accepted.GetRawText())} ({Cut(json)})");
        else if (mustRefuse && !frames.Any(f => f.Op() == "error"))
            tally.Fail(ref tally.Unanswered, $"{label}: refused frame got no error ({Cut(json)})");
        return true;
    }

    /// <summary>A fuzzed <c>auth</c> as the first frame of a connection without a header token: refused ones close with 4001 (1009 when over 64 KiB), never <c>ready</c>.</summary>
    private async Task RunFirstFrameAsync(string json, bool mustRefuse, Tally tally, string label)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        await using var socket = await RawSocket.ConnectAsync(factory.BaseUri);
        try
        {
            await socket.SendRawAsync(bytes);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or TimeoutException)
        {
            // Closed under the write: the close code is read below.
        }

        var (frame, close) = await socket.ReceiveFrameOrCloseAsync();
        while (frame is { } f && f.Op() != "ready")
            (frame, close) = await socket.ReceiveFrameOrCloseAsync();
        if (close == 1011)
            tally.Fail(ref tally.Crashes, $"{label}: closed with 1011");
        else if (frame is not null && mustRefuse)
            tally.Fail(ref tally.InvalidAccepted, $"{label}: ready for a refused auth frame ({Cut(json)})");
        else if (close is { } code && code != (bytes.Length > MaxFrameBytes ? 1009 : CloseCodes.Unauthenticated))
            tally.Fail(ref tally.UnexpectedCloses, $"{label}: closed with {code} ({bytes.Length} bytes)");
        else if (close == 1009)
            tally.Closes1009++;
    }

    /// <summary>Every message the fuzzer's conversation holds, read back over REST, must obey the rules.</summary>
    private static async Task ReadBackAsync(TestUser fuzzer, string conversationId, Tally tally)
    {
        for (long after = 0; ;)
        {
            var page = await fuzzer.PageAsync(conversationId, $"?afterSeq={after}&limit=100");
            foreach (var message in page.Messages.Where(m => FuzzValues.Text(m.Text) != true || FuzzValues.ClientMsgId(m.ClientMsgId) != true))
                tally.Fail(ref tally.InvalidStored, $"stored and read back: message {message.Seq} {JsonMutations.Short(message.ClientMsgId)} {JsonMutations.Short(message.Text)}");
            if (!page.HasMore)
                return;
            after = page.Messages[^1].Seq;
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : $"{text[..300]}…({text.Length} chars)";
}
