using System.Buffers.Text;
using System.Collections;
using System.Diagnostics;

namespace TokenIM.Cli.Bench;

/// <summary>
/// The seqs one receiver has seen in one conversation, to count duplicates and losses. Used from one socket's
/// receive loop only, so it needs no lock.
/// </summary>
internal sealed class SeqTracker
{
    private readonly BitArray _seen = new(1024);

    public long Distinct { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Notes <paramref name="seq"/>; false when it was seen before.</summary>
    public bool Add(long seq)
    {
        if (seq <= 0 || seq > int.MaxValue)
            return false;
        if (seq >= _seen.Length)
            _seen.Length = (int)Math.Max(seq + 1, _seen.Length * 2L);
        if (_seen[(int)seq])
        {
            Duplicates++;
            return false;
        }

        _seen[(int)seq] = true;
        Distinct++;
        return true;
    }
}

/// <summary>
/// The benchmark's message text and request ids carry the <see cref="Stopwatch"/> timestamp a send started at, so
/// a receiver (in the same process) computes latency from the frame alone, with no shared table.
/// </summary>
internal static class Stamp
{
    /// <summary>The timestamp in <paramref name="text"/> (e.g. <c>t123456</c>), or 0 when it holds none.</summary>
    public static long Read(ReadOnlySpan<byte> text) =>
        text.Length > 1 && Utf8Parser.TryParse(text[1..], out long value, out _) ? value : 0;

    /// <summary>A send frame whose <c>id</c> and text both carry <paramref name="stamp"/>.</summary>
    public static byte[] SendFrame(string conversationId, string clientMsgId, long stamp) =>
        System.Text.Encoding.UTF8.GetBytes(
            $$"""{"op":"send","id":"t{{stamp}}","conversationId":"{{conversationId}}","clientMsgId":"{{clientMsgId}}","text":"t{{stamp}}"}""");
}
