using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Chat;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>What time does to files: links expire, unsent uploads are deleted, shared bytes stay while named. Each test runs its own server on a test clock.</summary>
public sealed class AttachmentLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_AfterTheLinkExpired_403InvalidLink()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = new TokenImFactory { Clock = clock };
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("expiry");
        using var sdk = factory.Sdk(alice);
        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream("short-lived"u8.ToArray()), "s.txt", cancellationToken: Ct);
        var link = await sdk.GetAttachmentLinkAsync(group.Id, uploaded.Id, cancellationToken: Ct);
        var anonymous = factory.CreateClient();
        using (var fresh = await anonymous.GetAsync(link.Url, Ct))
            Assert.Equal(System.Net.HttpStatusCode.OK, fresh.StatusCode);

        clock.Advance(TimeSpan.FromMinutes(5));

        using var expired = await anonymous.GetAsync(link.Url, Ct);
        await expired.ReadProblemAsync(ErrorCode.InvalidLink);
        var refused = await Assert.ThrowsAsync<TokenImApiException>(() => sdk.DownloadAsync(link, new MemoryStream(), Ct));
        Assert.Equal(ErrorCode.InvalidLink.Code, refused.Code);
    }

    [Fact]
    public async Task Cleanup_UnsentUploadsPastTheirLifetime_DeletesRowsAndUnnamedBytesOnly()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = new TokenImFactory { Clock = clock };
        factory.Settings["TokenIM:Attachments:UnsentLifetime"] = "00:01:00";
        factory.Settings["TokenIM:Attachments:CleanupInterval"] = "1.00:00:00";
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("cleanup");
        using var sdk = factory.Sdk(alice);
        async Task<AttachmentDto> UploadAsync(string text) =>
            await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "f.txt", cancellationToken: Ct);
        var unsentShared = await UploadAsync("shared bytes");
        var sentShared = await UploadAsync("shared bytes");
        var unsentAlone = await UploadAsync("bytes of their own");
        var sent = await UploadAsync("sent bytes");
        await sdk.SendMessageAsync(group.Id, new SendMessageRequest(null, "", AttachmentId: sentShared.Id), Ct);
        await sdk.SendMessageAsync(group.Id, new SendMessageRequest(null, "", AttachmentId: sent.Id), Ct);
        Assert.Equal(3, AttachmentFiles.Disk(factory).Blobs.Length);

        clock.Advance(TimeSpan.FromMinutes(2));
        var deleted = await factory.Services.GetRequiredService<AttachmentCleanup>().RunOnceAsync(Ct);

        Assert.Equal(2, deleted);
        var remaining = (await AttachmentFiles.RowsAsync(factory)).Select(r => r.Id).ToHashSet();
        Assert.Equal((false, true, false, true), (remaining.Contains(unsentShared.Id), remaining.Contains(sentShared.Id), remaining.Contains(unsentAlone.Id), remaining.Contains(sent.Id)));
        Assert.Equal(2, AttachmentFiles.Disk(factory).Blobs.Length);
        // The shared bytes still download through the sent row.
        var file = new MemoryStream();
        await sdk.DownloadAsync(await sdk.GetAttachmentLinkAsync(group.Id, sentShared.Id, cancellationToken: Ct), file, Ct);
        Assert.Equal("shared bytes"u8.ToArray(), file.ToArray());
        var gone = await Assert.ThrowsAsync<TokenImApiException>(() => sdk.SendMessageAsync(group.Id, new SendMessageRequest(null, "", AttachmentId: unsentAlone.Id), Ct));
        Assert.Equal(ErrorCode.AttachmentNotFound.Code, gone.Code);
        // A second pass (another node) finds nothing left to do.
        Assert.Equal(0, await factory.Services.GetRequiredService<AttachmentCleanup>().RunOnceAsync(Ct));
    }

    [Fact]
    public async Task RecallMessageAsync_WithFile_LinksStopAtOnceAndTheBytesGoAtTheNextPass()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var factory = new TokenImFactory { Clock = clock };
        factory.Settings["TokenIM:Attachments:CleanupInterval"] = "1.00:00:00";
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("recall");
        using var sdk = factory.Sdk(alice);
        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream("regretted"u8.ToArray()), "r.txt", cancellationToken: Ct);
        var sent = await sdk.SendMessageAsync(group.Id, new SendMessageRequest(null, "", AttachmentId: uploaded.Id), Ct);
        var link = await sdk.GetAttachmentLinkAsync(group.Id, uploaded.Id, cancellationToken: Ct);

        var tombstone = await sdk.RecallMessageAsync(group.Id, sent.Id, Ct);

        Assert.Null(tombstone.Attachment);
        Assert.DoesNotContain(await AttachmentFiles.RowsAsync(factory), r => r.Id == uploaded.Id);
        using (var refused = await factory.CreateClient().GetAsync(link.Url, Ct))
            await refused.ReadProblemAsync(ErrorCode.InvalidLink);
        // Uploaded a moment ago: the bytes wait out the in-use minute, then the cleanup takes them.
        Assert.Single(AttachmentFiles.Disk(factory).Blobs);
        clock.Advance(TimeSpan.FromMinutes(2));
        await factory.Services.GetRequiredService<AttachmentCleanup>().RunOnceAsync(Ct);
        Assert.Empty(AttachmentFiles.Disk(factory).Blobs);
    }

    [Fact]
    public async Task ShareAsync_ForwardedFile_NewRowInTheTargetSharesTheBytesAndOutlivesTheSource()
    {
        using var factory = new TokenImFactory();
        var (alice, bob) = (await factory.RegisterAsync(), await factory.RegisterAsync());
        var source = await alice.CreateGroupAsync("source");
        var target = await alice.CreateGroupAsync("target", bob);
        using var sdk = factory.Sdk(alice);
        using var peer = factory.Sdk(bob);
        var original = await sdk.UploadAttachmentAsync(source.Id, new MemoryStream(AttachmentFiles.Png(30, 30)), "fwd.png", cancellationToken: Ct);
        var files = factory.Services.GetRequiredService<AttachmentService>();

        var shared = await files.ShareAsync(alice.Id, source.Id, original.Id, target.Id, Ct);
        var sent = await sdk.SendMessageAsync(target.Id, new SendMessageRequest(null, "", AttachmentId: shared.Value!.Id), Ct);
        await files.ReleaseAsync(source.Id, original.Id, Ct);

        Assert.NotEqual(original.Id, shared.Value.Id);
        Assert.Equal(original with { Id = shared.Value.Id }, sent.Attachment);
        var rows = await AttachmentFiles.RowsAsync(factory);
        Assert.DoesNotContain(rows, r => r.Id == original.Id);
        var file = new MemoryStream();
        await peer.DownloadAsync(await peer.GetAttachmentLinkAsync(target.Id, shared.Value.Id, thumbnail: true, Ct), file, Ct);
        Assert.NotEmpty(file.ToArray());
    }

    [Fact]
    public async Task UploadAttachmentAsync_PngClaimingTenBillionPixels_StoredWithItsSizeButNoThumbnail()
    {
        using var factory = new TokenImFactory();
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("bomb");
        using var sdk = factory.Sdk(alice);

        var uploaded = await sdk.UploadAttachmentAsync(group.Id, new MemoryStream(PngHeader(100_000, 100_000)), "bomb.png", cancellationToken: Ct);

        Assert.Equal(("image/png", 100_000, 100_000, null), (uploaded.ContentType, uploaded.Width, uploaded.Height, uploaded.Thumbnail));
    }

    /// <summary>A PNG's signature, a header chunk claiming the size, a tiny data chunk and the end: what a decompression bomb starts with.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(MemoryStream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typed));
        png.Write(crc);
    }
}
