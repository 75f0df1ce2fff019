using System.Text;
using TokenIM.Server.Chat;

namespace TokenIM.Tests.Chat;

public sealed class ContentSnifferTests
{
    public static TheoryData<string, byte[]> KnownFormats => new()
    {
        { "image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'] },
        { "image/png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] },
        { "image/gif", "GIF89a\u0001\u0000\u0001\u0000"u8.ToArray() },
        { "image/webp", "RIFF\u0024\u0000\u0000\u0000WEBPVP8 "u8.ToArray() },
        { "audio/wav", "RIFF\u0024\u0000\u0000\u0000WAVEfmt "u8.ToArray() },
        { "image/bmp", [(byte)'B', (byte)'M', 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0] },
        { "application/pdf", "%PDF-1.7\n%\u00e2\u00e3"u8.ToArray() },
        { "application/zip", [(byte)'P', (byte)'K', 3, 4, 20, 0, 6, 0] },
        { "video/mp4", [0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'] },
        { "audio/ogg", "OggS\u0000\u0002"u8.ToArray() },
        { "audio/mpeg", "ID3\u0004\u0000"u8.ToArray() },
        { "audio/mpeg", [0xFF, 0xFB, 0x90, 0x64] },
        { "text/plain; charset=utf-8", "hello, 世界\r\n\ttabs"u8.ToArray() },
        { "text/plain; charset=utf-8", "<html><script>alert(1)</script></html>"u8.ToArray() },
        { "text/plain; charset=utf-8", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8.ToArray() },
        { "application/octet-stream", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0] },
        { "application/octet-stream", [(byte)'M', (byte)'Z', 0x90, 0, 3, 0] },
        { "application/octet-stream", "text with a NUL\0"u8.ToArray() },
        { "application/octet-stream", [0xC3, 0x28, (byte)'a'] },
        { "application/octet-stream", [] },
    };

    [Theory]
    [MemberData(nameof(KnownFormats))]
    public void Sniff_FirstBytes_NameTheFormat(string expected, byte[] head) =>
        Assert.Equal(expected, ContentSniffer.Sniff(head, complete: true));

    [Fact]
    public void Sniff_HeadCutInsideACharacter_IsStillTextUnlessItIsTheWholeFile()
    {
        var text = Encoding.UTF8.GetBytes(new string('a', 4094) + "世");
        var head = text.AsSpan(0, ContentSniffer.HeadLength);

        Assert.Equal("text/plain; charset=utf-8", ContentSniffer.Sniff(head, complete: false));
        Assert.Equal(ContentSniffer.OctetStream, ContentSniffer.Sniff(head, complete: true));
    }

    [Theory]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\me\\report.pdf", "report.pdf")]
    [InlineData("  spaced.txt  ", "spaced.txt")]
    [InlineData("evil\u202Egpj.exe", "evilgpj.exe")]
    [InlineData("bell\u0007.txt", "bell.txt")]
    public void CleanName_PathsControlAndBidiCharacters_AreRemoved(string name, string expected) =>
        Assert.Equal(expected, AttachmentService.CleanName(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dir/")]
    [InlineData("..")]
    [InlineData("\u0001\u0002")]
    public void CleanName_NothingLeft_IsNull(string? name) => Assert.Null(AttachmentService.CleanName(name));

    [Fact]
    public void CleanName_Over255Characters_IsNull()
    {
        Assert.Null(AttachmentService.CleanName(new string('a', 256)));
        Assert.Equal(255, AttachmentService.CleanName(new string('a', 255))?.Length);
    }
}
