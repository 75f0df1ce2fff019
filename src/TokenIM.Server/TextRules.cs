using System.Text;

namespace TokenIM.Server;

/// <summary>Text checks shared by every input: counting characters as Unicode scalar values and refusing what cannot be shown.</summary>
internal static class TextRules
{
    /// <summary>The number of Unicode scalar values, or −1 when the string holds a lone surrogate (not valid Unicode).</summary>
    public static int CountRunes(string text)
    {
        var count = 0;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != System.Buffers.OperationStatus.Done)
                return -1;
            rest = rest[consumed..];
            count++;
        }

        return count;
    }

    /// <summary>C0 and C1 control characters (and DEL); tab, line feed and carriage return pass when <paramref name="allowNewlines"/>.</summary>
    public static bool HasControlCharacters(string text, bool allowNewlines)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(allowNewlines && c is '\t' or '\n' or '\r'))
                return true;
        }

        return false;
    }
}
