using System.Text.Unicode;

namespace TokenIM.Server.Chat;

/// <summary>
/// The type of an upload, from its first bytes only: a client's name or <c>Content-Type</c> is never believed, so a
/// page cannot pass for an image, nor an image for a page. Anything unknown is <c>application/octet-stream</c>; HTML,
/// SVG and scripts are text and come out <c>text/plain</c>, which no browser runs.
/// </summary>
internal static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 4096;

    public const string OctetStream = "application/octet-stream";

    private static readonly string[] s_images = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"];

    /// <summary>True for the image types a thumbnail is made of.</summary>
    public static bool IsImage(string contentType) => s_images.Contains(contentType);

    /// <param name="head">The first bytes of the file (up to <see cref="HeadLength"/>).</param>
    /// <param name="complete">True when <paramref name="head"/> is the whole file (a cut-off UTF-8 sequence at its end is then not text).</param>
    public static string Sniff(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return "image/jpeg";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return "image/png";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return "image/gif";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8))
                return "image/webp";
            if (form.SequenceEqual("WAVE"u8))
                return "audio/wav";
        }
        if (head.StartsWith("BM"u8) && head.Length >= 26 && BitConverter.ToUInt32(head.Slice(14, 4)) is 12 or 40 or 52 or 56 or 108 or 124)
            return "image/bmp";
        if (head.StartsWith("%PDF-"u8))
            return "application/pdf";
        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
            return "application/zip";
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
            return "video/mp4";
        if (head.StartsWith("OggS"u8))
            return "audio/ogg";
        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
            return "audio/mpeg";
        return IsText(head, complete) ? "text/plain; charset=utf-8" : OctetStream;
    }

    /// <summary>Valid UTF-8 (a BOM allowed) without control characters other than tab, line feed, form feed and carriage return.</summary>
    private static bool IsText(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.IsEmpty)
            return false;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            head = head[3..];
        if (!complete)
        {
            // The head may end inside a multi-byte character: drop up to three bytes of an unfinished sequence.
            var end = head.Length;
            for (var back = 1; back <= 3 && back <= head.Length; back++)
            {
                var b = head[^back];
                if ((b & 0xC0) == 0xC0)
                {
                    var need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                    if (need > back)
                        end = head.Length - back;
                    break;
                }
                if ((b & 0xC0) != 0x80)
                    break;
            }
            head = head[..end];
        }
        if (!Utf8.IsValid(head))
            return false;
        foreach (var b in head)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C)
                return false;
            if (b == 0x7F)
                return false;
        }
        return true;
    }
}
