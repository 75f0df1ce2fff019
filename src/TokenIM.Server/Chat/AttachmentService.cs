using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Uploads and download links. An upload streams to a scratch file while it is hashed and counted, so memory stays
/// flat whatever the size; the type is sniffed from its first bytes, images get their size and a thumbnail, and the
/// bytes are renamed into the content-addressed store before the row is written (a row never names missing bytes).
/// </summary>
internal sealed partial class AttachmentService(
    IChatStore chat, IAttachmentStore store, IAttachmentBlobStore blobs, AttachmentLinks links, TimeProvider time,
    IOptions<TokenImOptions> options, ILogger<AttachmentService> logger)
{
    private readonly AttachmentSettings _settings = options.Value.Attachments;

    public long MaxBytes => _settings.MaxBytes;

    /// <summary>Stores an upload by <paramref name="userId"/> to the conversation; nothing is kept when it fails.</summary>
    public async Task<Result<AttachmentDto>> UploadAsync(
        string userId, string conversationId, string? name, long? declaredLength, Stream body, CancellationToken cancellationToken)
    {
        if (!await IsMemberAsync(userId, conversationId, cancellationToken))
            return ChatFailures.ConversationNotFound;
        if (CleanName(name) is not { } cleanName)
            return Failure.Validation("name", "name is 1–255 characters, without a path or control characters.");
        if (declaredLength > _settings.MaxBytes)
            return TooLarge();

        var temp = blobs.NewTempPath();
        try
        {
            var received = await ReceiveAsync(body, temp, cancellationToken);
            if (received is null)
                return TooLarge();
            var (size, key, contentType) = received.Value;

            int? width = null, height = null;
            string? thumbnailKey = null;
            if (ContentSniffer.IsImage(contentType))
                (width, height, thumbnailKey) = await MakeThumbnailAsync(temp, key, cancellationToken);

            await blobs.PutAsync(key, temp, cancellationToken);
            var row = new AttachmentEntity
            {
                Id = ChatRules.NewId(),
                ConversationId = conversationId,
                UploaderId = userId,
                Name = cleanName,
                ContentType = contentType,
                Size = size,
                Width = width,
                Height = height,
                BlobKey = key,
                ThumbnailKey = thumbnailKey,
                CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            await store.AddAttachmentAsync(row, cancellationToken);
            return ToDto(row);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>A download link for a member; <paramref name="variant"/> is null (the file) or <c>thumbnail</c>.</summary>
    public async Task<Result<AttachmentLinkDto>> GetLinkAsync(
        string userId, string conversationId, string attachmentId, string? variant, CancellationToken cancellationToken)
    {
        if (!await IsMemberAsync(userId, conversationId, cancellationToken))
            return ChatFailures.ConversationNotFound;
        if (variant is "")
            variant = null;
        if (variant is not (null or AttachmentLinks.Thumbnail))
            return Failure.Validation("variant", "variant is absent (the file) or 'thumbnail'.");
        var row = await store.FindAttachmentAsync(conversationId, attachmentId, cancellationToken);
        if (row is null || (variant is not null && row.ThumbnailKey is null))
            return NotFound;
        var (url, expiresAt) = links.Create(row.Id, variant);
        return new AttachmentLinkDto(url, expiresAt);
    }

    /// <summary>The bytes a signed link names, or null when the link is not valid or the file is gone.</summary>
    public async Task<(Stream Content, string ContentType, string Name, bool Image)?> OpenAsync(
        string attachmentId, string? variant, long? exp, string? sig, CancellationToken cancellationToken)
    {
        if (!links.IsValid(attachmentId, variant, exp, sig))
            return null;
        var row = await store.FindAttachmentAnywhereAsync(attachmentId, cancellationToken);
        if (row is null)
            return null;
        if (variant == AttachmentLinks.Thumbnail)
        {
            if (row.ThumbnailKey is null || blobs.OpenRead(row.ThumbnailKey) is not { } thumbnail)
                return null;
            var head = new byte[2];
            var read = await thumbnail.ReadAsync(head, cancellationToken);
            thumbnail.Position = 0;
            return (thumbnail, Thumbnails.ContentTypeOf(head.AsSpan(0, read)), row.Name, true);
        }
        return blobs.OpenRead(row.BlobKey) is { } content ? (content, row.ContentType, row.Name, ContentSniffer.IsImage(row.ContentType)) : null;
    }

    public static AttachmentDto ToDto(AttachmentEntity row) =>
        new(row.Id, row.Name, row.ContentType, row.Size, row.Width, row.Height, row.ThumbnailKey is null ? null : true);

    public static Failure NotFound { get; } = new(ErrorCode.AttachmentNotFound, "No such upload in this conversation.");

    /// <summary>The name without any path, control or formatting characters (bidi overrides), trimmed; null when nothing is left or it is too long.</summary>
    public static string? CleanName(string? name)
    {
        if (name is null)
            return null;
        var file = name.Replace('\\', '/');
        file = file[(file.LastIndexOf('/') + 1)..];
        var clean = string.Concat(file.Where(c => !char.IsControl(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format)).Trim();
        return clean.Length is 0 or > 255 || clean is "." or ".." ? null : clean;
    }

    private async Task<bool> IsMemberAsync(string userId, string conversationId, CancellationToken cancellationToken) =>
        await chat.GetRosterAsync(conversationId, cancellationToken) is { } roster && roster.Contains(userId);

    private Failure TooLarge() => new(ErrorCode.AttachmentTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"Files are limited to {_settings.MaxBytes} bytes."));

    /// <summary>Copies the body to <paramref name="path"/>, hashing as it goes; null as soon as it passes the limit.</summary>
    private async Task<(long Size, string Key, string ContentType)?> ReceiveAsync(Stream body, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[ContentSniffer.HeadLength];
        var headLength = 0;
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > _settings.MaxBytes)
                    return null;
                if (headLength < head.Length)
                {
                    var take = Math.Min(read, head.Length - headLength);
                    buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                    headLength += take;
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var key = Convert.ToHexStringLower(hash.GetHashAndReset());
        return (size, key, ContentSniffer.Sniff(head.AsSpan(0, headLength), complete: size <= head.Length));
    }

    private async Task<(int? Width, int? Height, string? ThumbnailKey)> MakeThumbnailAsync(string path, string key, CancellationToken cancellationToken)
    {
        try
        {
            if (Thumbnails.Make(path, _settings.MaxThumbnailSourcePixels) is not { } made)
                return (null, null, null);
            if (made.Thumbnail is null)
                return (made.Width, made.Height, null);
            var thumbnailKey = AttachmentKeys.Thumbnail(key);
            var temp = blobs.NewTempPath();
            try
            {
                await File.WriteAllBytesAsync(temp, made.Thumbnail, cancellationToken);
                await blobs.PutAsync(thumbnailKey, temp, cancellationToken);
            }
            finally
            {
                File.Delete(temp);
            }
            return (made.Width, made.Height, thumbnailKey);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            // Without the native library files still upload, only without size and thumbnail.
            LogThumbnailsUnavailable(logger, e.Message);
            return (null, null, null);
        }
    }

    [LoggerMessage(EventId = 3400, Level = LogLevel.Warning, Message = "Thumbnails are unavailable: {Reason}")]
    private static partial void LogThumbnailsUnavailable(ILogger logger, string reason);
}
