using TokenIM.Server.Chat;

namespace TokenIM.Tests.Chat;

public sealed class SendExtrasTests
{
    [Theory]
    [InlineData("@bob hi", "bob")]
    [InlineData("hi @Bob!", "bob")]
    [InlineData("(@bob)", "bob")]
    [InlineData("@bob.", "bob.")]
    [InlineData("@a.b_c-d", "a.b_c-d")]
    public void ParseMentions_OneName_IsFoundLowerCased(string text, string name)
    {
        var (names, all) = SendExtras.ParseMentions(text);

        Assert.Equal(name, Assert.Single(names).Name);
        Assert.False(all);
    }

    [Theory]
    [InlineData("mail me@example.com")]
    [InlineData("just an @ sign")]
    [InlineData("@")]
    [InlineData("@123456789012345678901234567890123")] // 33 characters: longer than any username
    public void ParseMentions_NoName_IsNothing(string text) => Assert.Empty(SendExtras.ParseMentions(text).Names);

    [Fact]
    public void ParseMentions_RepeatsAndAll_FirstUseOrderOnceEach_AllApart()
    {
        var (names, all) = SendExtras.ParseMentions("@carol @ALL @bob, @carol and @all.");

        Assert.Equal(["carol", "bob"], names.Select(n => n.Name));
        Assert.True(all);
    }

    [Fact]
    public void ParseMentions_TrailingPunctuation_OffersTheNameWithoutIt()
    {
        var (names, _) = SendExtras.ParseMentions("thanks @bob.");

        Assert.Equal(("bob.", "bob"), Assert.Single(names));
    }

    [Fact]
    public void ParseMentions_ThousandsOfNames_LooksUpAtMostFifty()
    {
        var text = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"@u{i:D3}"));

        Assert.Equal(50, SendExtras.ParseMentions(text).Names.Count);
    }

    [Theory]
    [InlineData(100, 100)]
    [InlineData(150, 100)]
    [InlineData(3, 3)]
    public void Preview_AsciiText_IsCutTo100Characters(int length, int expected) =>
        Assert.Equal(expected, SendExtras.Preview(new string('x', length)).Length);

    [Fact]
    public void Preview_SurrogatePairsAcrossTheLimit_AreNeverSplit()
    {
        // 150 emoji of two UTF-16 units each: 100 characters are 200 units.
        var preview = SendExtras.Preview(string.Concat(Enumerable.Repeat("😀", 150)));

        Assert.Equal(200, preview.Length);
        Assert.Equal(100, preview.EnumerateRunes().Count());
    }
}
