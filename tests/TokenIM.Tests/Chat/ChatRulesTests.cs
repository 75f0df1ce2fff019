using TokenIM.Server.Chat;

namespace TokenIM.Tests.Chat;

public sealed class ChatRulesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("tab\tand\r\nbreaks")]
    [InlineData("😀")]
    [InlineData(" x ")]
    public void CheckText_ValidText_Passes(string text) => Assert.Null(ChatRules.CheckText(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n\t\r")]
    [InlineData("\u00a0\u2003")]
    [InlineData("nul\0")]
    [InlineData("\u0001")]
    [InlineData("\u001f")]
    [InlineData("\u007f")]
    [InlineData("\u0085")]
    public void CheckText_InvalidText_IsRefused(string? text) => Assert.NotNull(ChatRules.CheckText(text));

    [Fact]
    public void CheckText_LoneSurrogates_AreRefused()
    {
        // Built here, not in [InlineData]: theory data is serialized, which may repair a lone surrogate.
        string[] texts = ["lone \ud800 high", "lone \udc00 low", "reversed \udc00\ud800 pair", "\ud83d"];

        Assert.All(texts, text => Assert.NotNull(ChatRules.CheckText(text)));
        Assert.Null(ChatRules.CheckText("pair \ud83d\ude00"));
        Assert.Null(ChatRules.NormalizeTitle("title \ud800", out _));
    }

    [Fact]
    public void CheckText_LengthBoundary_CountsScalarValuesNotUtf16Units()
    {
        var emoji4000 = string.Concat(Enumerable.Repeat("😀", 4000)); // 8,000 UTF-16 units, 16,000 UTF-8 bytes

        Assert.Null(ChatRules.CheckText(new string('a', 4000)));
        Assert.NotNull(ChatRules.CheckText(new string('a', 4001)));
        Assert.Null(ChatRules.CheckText(emoji4000));
        Assert.NotNull(ChatRules.CheckText(emoji4000 + "a"));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("!~", true)]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("with space", false)]
    [InlineData("del\u007f", false)]
    [InlineData("é", false)]
    public void CheckClientMsgId_Characters_OnlyPrintableAscii(string? clientMsgId, bool valid) =>
        Assert.Equal(valid, ChatRules.CheckClientMsgId(clientMsgId) is null);

    [Fact]
    public void CheckClientMsgId_LengthBoundary_64Passes65Fails()
    {
        Assert.Null(ChatRules.CheckClientMsgId(new string('k', 64)));
        Assert.NotNull(ChatRules.CheckClientMsgId(new string('k', 65)));
    }

    [Theory]
    [InlineData("  Team  ", "Team")]
    [InlineData("😀", "😀")]
    public void NormalizeTitle_ValidTitle_IsTrimmed(string title, string expected)
    {
        Assert.Equal(expected, ChatRules.NormalizeTitle(title, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("two\nlines")]
    public void NormalizeTitle_InvalidTitle_IsRefused(string? title)
    {
        Assert.Null(ChatRules.NormalizeTitle(title, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void NormalizeTitle_LengthBoundary_CountsScalarValues()
    {
        Assert.NotNull(ChatRules.NormalizeTitle(string.Concat(Enumerable.Repeat("😀", 100)), out _));
        Assert.Null(ChatRules.NormalizeTitle(string.Concat(Enumerable.Repeat("😀", 101)), out _));
    }

    [Theory]
    [InlineData(null, null, null, new string[0])]
    [InlineData(0L, 0L, 1, new string[0])]
    [InlineData(5L, 3L, 100, new string[0])]
    [InlineData(-1L, null, 0, new[] { "afterSeq", "limit" })]
    [InlineData(null, -1L, 101, new[] { "beforeSeq", "limit" })]
    public void CheckPage_Parameters_NameEachBadOne(long? afterSeq, long? beforeSeq, int? limit, string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), ChatRules.CheckPage(afterSeq, beforeSeq, limit).Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void DirectKey_EitherOrder_IsTheSame()
    {
        Assert.Equal(ChatRules.DirectKey("b", "a"), ChatRules.DirectKey("a", "b"));
        Assert.Equal("a:b", ChatRules.DirectKey("b", "a"));
    }
}
