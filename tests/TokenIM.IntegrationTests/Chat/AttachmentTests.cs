using System.Net;
using SkiaSharp;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>Uploads, their sniffed types and thumbnails, signed links, and sending a file — through the real SDK.</summary>
public sealed class AttachmentTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UploadAttachmentAsync_PngNamedTxt_IsImagePngWithSizeAndThumbnail()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);
        var progress = new List<long>();
        var png = AttachmentFiles.Png(640, 480);

        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(png), "notes.txt", new SyncProgress(progress.Add), Ct);

        Assert.Equal(("notes.txt", "image/png", (long)png.Length, 640, 480, true), (uploaded.Name, uploaded.ContentType, uploaded.Size, uploaded.Width, uploaded.Height, uploaded.Thumbnail));
        Assert.Equal(png.Length, progress[^1]);
        var thumbnail = await DownloadAsync(sdk, await sdk.GetAttachmentLinkAsync(group.Id, uploaded.Id, thumbnail: true, Ct));
        using var decoded = SKBitmap.Decode(thumbnail.Bytes);
        Assert.Equal((320, 240), (decoded.Width, decoded.Height));
        // The source has an alpha channel (an opaque one would give a JPEG).
        Assert.Equal("image/png", thumbnail.ContentType);
    }

    [Fact]
    public async Task UploadAttachmentAsync_ExecutableNamedJpg_IsOctetStreamWithoutThumbnail()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);

        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(AttachmentFiles.Executable()), "holiday.jpg", cancellationToken: Ct);

        Assert.Equal(("application/octet-stream", null, null, null), (uploaded.ContentType, uploaded.Width, uploaded.Height, uploaded.Thumbnail));
        var refused = await Assert.ThrowsAsync<TokenImApiException>(() => sdk.GetAttachmentLinkAsync(group.Id, uploaded.Id, thumbnail: true, Ct));
        Assert.Equal(ErrorCode.AttachmentNotFound.Code, refused.Code);
    }

    [Fact]
    public async Task Download_HtmlFile_IsPlainTextAttachmentWithNosniffAndNoScripts()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);
        var page = "<!doctype html><html><body><script>fetch('/api/v1/users/me')</script></body></html>"u8.ToArray();
        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(page), "../../evil.html", cancellationToken: Ct);
        var link = await sdk.GetAttachmentLinkAsync(group.Id, uploaded.Id, cancellationToken: Ct);

        using var response = await factory.CreateClient().GetAsync(link.Url, Ct);

        Assert.Equal(("evil.html", "text/plain; charset=utf-8"), (uploaded.Name, uploaded.ContentType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.Private);
        Assert.Equal(page, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Link_WithoutToken_ServesTheBytesAndRanges()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);
        var png = AttachmentFiles.Png(50, 20);
        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(png), "small.png", cancellationToken: Ct);
        var link = await sdk.GetAttachmentLinkAsync(group.Id, uploaded.Id, cancellationToken: Ct);
        var anonymous = factory.CreateClient();

        using var whole = await anonymous.GetAsync(link.Url, Ct);
        using var range = new HttpRequestMessage(HttpMethod.Get, link.Url);
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 7);
        using var part = await anonymous.SendAsync(range, Ct);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(png, await whole.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("image/png", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", whole.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(png[..8], await part.Content.ReadAsByteArrayAsync(Ct));
        Assert.InRange(link.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1));
    }

    [Fact]
    public async Task Link_Tampered_403InvalidLink()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);
        var first = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream("first file"u8.ToArray()), "a.txt", cancellationToken: Ct);
        var second = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream("second file"u8.ToArray()), "b.txt", cancellationToken: Ct);
        var link = (await sdk.GetAttachmentLinkAsync(group.Id, first.Id, cancellationToken: Ct)).Url;
        var exp = long.Parse(link.Split("exp=")[1].Split('&')[0], System.Globalization.CultureInfo.InvariantCulture);
        var sig = link.Split("sig=")[1];
        string[] forged =
        [
            link.Replace(first.Id, second.Id, StringComparison.Ordinal),
            link.Replace($"exp={exp}", $"exp={exp + 3600}", StringComparison.Ordinal),
            link.Replace($"sig={sig}", $"sig={(sig[0] == 'A' ? 'B' : 'A')}{sig[1..]}", StringComparison.Ordinal),
            link.Replace("?", "?variant=thumbnail&", StringComparison.Ordinal),
            link.Split('&')[0],
        ];

        foreach (var url in forged)
        {
            using var response = await factory.CreateClient().GetAsync(url, Ct);
            await response.ReadProblemAsync(ErrorCode.InvalidLink);
        }
        using var genuine = await factory.CreateClient().GetAsync(link, Ct);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task UploadAndLink_Outsider_404ConversationNotFound()
    {
        var (alice, group) = await GroupAsync();
        var outsider = await factory.RegisterAsync();
        using var owner = factory.Sdk(alice);
        using var stranger = factory.Sdk(outsider);
        var uploaded = await owner.UploadAttachmentAsync(group.Id, new MemoryStream("members only"u8.ToArray()), "m.txt", cancellationToken: Ct);

        var upload = await Assert.ThrowsAsync<TokenImApiException>(() => stranger.UploadAttachmentAsync(group.Id, new MemoryStream("x"u8.ToArray()), "x.txt", cancellationToken: Ct));
        var link = await Assert.ThrowsAsync<TokenImApiException>(() => stranger.GetAttachmentLinkAsync(group.Id, uploaded.Id, cancellationToken: Ct));

        Assert.Equal((404, ErrorCode.ConversationNotFound.Code), (upload.Status, upload.Code));
        Assert.Equal((404, ErrorCode.ConversationNotFound.Code), (link.Status, link.Code));
        Assert.Single(await AttachmentFiles.RowsAsync(factory), r => r.ConversationId == group.Id);
    }

    [Fact]
    public async Task Upload_BadName_400ValidationFailed()
    {
        var (alice, group) = await GroupAsync();

        foreach (var name in new[] { "", "dir/", "\u0001\u0002", new string('a', 256) })
        {
            var response = await alice.Client.PostAsync($"{ChatTestHelpers.Conversations}/{group.Id}/attachments?name={Uri.EscapeDataString(name)}", new ByteArrayContent([1, 2, 3]), Ct);
            await response.ReadProblemAsync(ErrorCode.ValidationFailed);
        }
    }

    [Fact]
    public async Task Upload_OneByteOverTheLimit_413AndNothingKept()
    {
        var (alice, group) = await GroupAsync();
        const long limit = 25L * 1024 * 1024;
        var before = AttachmentFiles.Disk(factory).Blobs.Length;

        // Chunked (no length): cut off while streaming. Declared: refused before reading.
        using var chunked = new StreamContent(new ZeroStream(limit + 1));
        var streamed = await alice.Client.PostAsync($"{ChatTestHelpers.Conversations}/{group.Id}/attachments?name=big.bin", chunked, Ct);
        using var declared = new StreamContent(new ZeroStream(limit + 1));
        declared.Headers.ContentLength = limit + 1;
        var announced = await factory.ClientWith(alice.Tokens.AccessToken).PostAsync($"{ChatTestHelpers.Conversations}/{group.Id}/attachments?name=big.bin", declared, Ct);

        await streamed.ReadProblemAsync(ErrorCode.AttachmentTooLarge);
        await announced.ReadProblemAsync(ErrorCode.AttachmentTooLarge);
        Assert.DoesNotContain(await AttachmentFiles.RowsAsync(factory), r => r.ConversationId == group.Id);
        var (blobs, scratch) = AttachmentFiles.Disk(factory);
        Assert.Equal(before, blobs.Length);
        Assert.Empty(scratch);
    }

    [Fact]
    public async Task Upload_ExactlyTheLimit_IsStored()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);

        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new ZeroStream(25L * 1024 * 1024), "zeros.bin", cancellationToken: Ct);

        Assert.Equal((25L * 1024 * 1024, "application/octet-stream"), (uploaded.Size, uploaded.ContentType));
    }

    [Fact]
    public async Task SendMessageAsync_WithAttachment_CarriesItInTheAnswerAndHistory()
    {
        var (alice, group, bob) = await GroupWithPeerAsync();
        using var sdk = factory.Sdk(alice);
        using var peer = factory.Sdk(bob);
        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(AttachmentFiles.Png(10, 10)), "dot.png", cancellationToken: Ct);

        var sent = await sdk.SendMessageAsync(group.Id, new SendMessageRequest(null, "", AttachmentId: uploaded.Id), Ct);
        var history = await peer.GetMessagesAsync(group.Id, afterSeq: 0, cancellationToken: Ct);

        Assert.Equal(uploaded, sent.Attachment);
        Assert.Equal(("", uploaded), (history.Messages.Single().Text, history.Messages.Single().Attachment));
        // A member other than the uploader downloads it.
        var file = await DownloadAsync(peer, await peer.GetAttachmentLinkAsync(group.Id, uploaded.Id, cancellationToken: Ct));
        Assert.Equal("image/png", file.ContentType);
        Assert.Equal(sent.Seq, (await AttachmentFiles.RowsAsync(factory)).Single(r => r.Id == uploaded.Id).MessageSeq);
    }

    [Fact]
    public async Task SendMessageAsync_SameAttachmentTwice_409InUseButTheSameClientMsgIdResends()
    {
        var (alice, group) = await GroupAsync();
        using var sdk = factory.Sdk(alice);
        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream("once"u8.ToArray()), "once.txt", cancellationToken: Ct);
        var first = await sdk.SendMessageAsync(group.Id, new SendMessageRequest("file-1", "here", AttachmentId: uploaded.Id), Ct);

        var again = await Assert.ThrowsAsync<TokenImApiException>(() => sdk.SendMessageAsync(group.Id, new SendMessageRequest("file-2", "again", AttachmentId: uploaded.Id), Ct));
        var resend = await sdk.SendMessageAsync(group.Id, new SendMessageRequest("file-1", "here", AttachmentId: uploaded.Id), Ct);

        Assert.Equal((409, ErrorCode.AttachmentInUse.Code), (again.Status, again.Code));
        Assert.Equal((first.Id, first.Seq), (resend.Id, resend.Seq));
        Assert.Equal(uploaded, resend.Attachment);
    }

    [Fact]
    public async Task SendMessageAsync_SomeoneElsesOrUnknownUpload_404AttachmentNotFound()
    {
        var (alice, group, bob) = await GroupWithPeerAsync();
        var (_, otherGroup) = await GroupAsync(alice);
        using var sdk = factory.Sdk(alice);
        using var peer = factory.Sdk(bob);
        var bobs = await peer.UploadAttachmentAsync(group.Id, new MemoryStream("bob's"u8.ToArray()), "b.txt", cancellationToken: Ct);
        var elsewhere = await sdk.UploadAttachmentAsync(otherGroup.Id, new MemoryStream("other"u8.ToArray()), "o.txt", cancellationToken: Ct);

        foreach (var id in new[] { bobs.Id, elsewhere.Id, "no-such-upload" })
        {
            var refused = await Assert.ThrowsAsync<TokenImApiException>(() => sdk.SendMessageAsync(group.Id, new SendMessageRequest(null, "", AttachmentId: id), Ct));
            Assert.Equal((404, ErrorCode.AttachmentNotFound.Code), (refused.Status, refused.Code));
        }
        Assert.Equal(0, (await sdk.GetConversationAsync(group.Id, Ct)).LastSeq);
    }

    private async Task<(TestUser Owner, ConversationDto Group)> GroupAsync(TestUser? owner = null)
    {
        owner ??= await factory.RegisterAsync();
        return (owner, await owner.CreateGroupAsync("files"));
    }

    private async Task<(TestUser Owner, ConversationDto Group, TestUser Peer)> GroupWithPeerAsync()
    {
        var (owner, peer) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        return (owner, await owner.CreateGroupAsync("files", peer), peer);
    }

    private static async Task<(byte[] Bytes, string? ContentType)> DownloadAsync(TokenImClient sdk, AttachmentLinkDto link)
    {
        var buffer = new MemoryStream();
        var type = await sdk.DownloadAsync(link, buffer, Ct);
        return (buffer.ToArray(), type);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, so its last report may come late).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>A stream of zeros of a given length, without holding it in memory.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
