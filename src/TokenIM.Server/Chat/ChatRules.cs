using System.Security.Cryptography;
using System.Text;
using TokenIM.Protocol.Rest;

namespace TokenIM.Server.Chat;

/// <summary>The input rules of the chat domain: pure functions, shared by REST and the socket gateway.</summary>
internal static class ChatRules
{
    public const int MaxTextLength = 4000;
    public const int MaxTextBytes = 16 * 1024;
    public const int MaxClientMsgIdLength = 64;
    public const int MaxTitleLength = 100;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>
    /// 1–4,000 Unicode scalar values and at most 16 KiB of UTF-8, not only white space, valid UTF-16, no control
    /// characters but tab, line feed and carriage return. (At 4 bytes per scalar value 4,000 of them stay under
    /// 16 KiB, so the byte limit only matters if the length limit is ever raised.)
    /// </summary>
    public static string? CheckText(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "A message text is required.";
        var length = TextRules.CountRunes(text);
        if (length < 0)
            return "The text is not valid Unicode (it holds a lone surrogate).";
        if (length > MaxTextLength || Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
            return $"A message is at most {MaxTextLength} characters and {MaxTextBytes / 1024} KiB of UTF-8.";
        if (TextRules.HasControlCharacters(text, allowNewlines: true))
            return "A message must not contain control characters other than tab and line breaks.";
        if (IsWhiteSpaceOnly(text))
            return "A message must not be only white space.";
        return null;
    }

    /// <summary>1–64 printable ASCII characters (0x21–0x7E): safe in logs, keys and URLs without escaping.</summary>
    public static string? CheckClientMsgId(string? clientMsgId)
    {
        if (string.IsNullOrEmpty(clientMsgId) || clientMsgId.Length > MaxClientMsgIdLength)
            return $"A clientMsgId is 1–{MaxClientMsgIdLength} characters.";
        foreach (var c in clientMsgId)
        {
            if (c is < '\x21' or > '\x7E')
                return "A clientMsgId holds printable ASCII characters only (no spaces).";
        }

        return null;
    }

    /// <summary>Trims and checks a group title: 1–100 characters, no control characters (line breaks included).</summary>
    public static string? NormalizeTitle(string? title, out string? error)
    {
        var trimmed = title?.Trim();
        var length = trimmed is null ? 0 : TextRules.CountRunes(trimmed);
        error = string.IsNullOrEmpty(trimmed) || length is < 1 or > MaxTitleLength || TextRules.HasControlCharacters(trimmed, allowNewlines: false)
            ? $"A title is 1–{MaxTitleLength} characters without control characters."
            : null;
        return error is null ? trimmed : null;
    }

    /// <summary>Checks the paging parameters; the errors are keyed by query parameter name.</summary>
    public static Dictionary<string, string[]> CheckPage(long? afterSeq, long? beforeSeq, int? limit, int maxLimit = MaxPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (afterSeq < 0)
            errors["afterSeq"] = ["afterSeq must not be negative."];
        if (beforeSeq < 0)
            errors["beforeSeq"] = ["beforeSeq must not be negative."];
        if (limit < 1 || limit > maxLimit)
            errors["limit"] = [$"limit is 1–{maxLimit}."];
        return errors;
    }

    /// <summary>The direct-conversation key of a pair: the same whoever of the two asks.</summary>
    public static string DirectKey(string a, string b) =>
        string.CompareOrdinal(a, b) < 0 ? $"{a}:{b}" : $"{b}:{a}";

    public static bool IsRole(string? role) => role is MemberRoles.Owner or MemberRoles.Admin or MemberRoles.Member;

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// The id of a pair's direct conversation, derived from its key so that whoever creates or looks for it finds
    /// the one shard it lives on (a random id would have to be looked up on every shard). Same shape as
    /// <see cref="NewId"/>; knowing it grants nothing, as every read checks membership.
    /// </summary>
    public static string DirectId(string directKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("tokenim.direct:" + directKey)), 0, 16);

    private static bool IsWhiteSpaceOnly(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune))
                return false;
        }

        return true;
    }
}
