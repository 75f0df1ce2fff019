using System.ComponentModel.DataAnnotations;

namespace TokenIM.Server.Hosting;

/// <summary>Files sent in conversations: limits, where the bytes live, and the signed download links.</summary>
internal sealed class AttachmentSettings
{
    /// <summary>The largest upload, in bytes; a larger one is cut off with <c>413 attachment_too_large</c> while streaming (or refused unread when its <c>Content-Length</c> says so) and nothing is kept. The default is 25 MiB.</summary>
    [Range(1, 4L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>How long a download link works; the link needs no token, so keep it short. The default is 5 minutes; 10 seconds to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An upload not sent within this time is deleted, and its bytes once no row names them. The default is 1 day.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan UnsentLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often each node looks for expired unsent uploads (every node may; deletes are idempotent). The default is 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Images with more pixels than this get width and height but no thumbnail (a decompression bomb costs nothing). The
    /// default is 50,000,000.
    /// </summary>
    [Range(1, 1_000_000_000)]
    public long MaxThumbnailSourcePixels { get; set; } = 50_000_000;

    /// <summary>
    /// The folder of the bytes: one file per content hash (<c>ab/abcdef…</c>, thumbnails <c>…_t</c>), scratch files
    /// under <c>tmp/</c>. Every node of a cluster must see the same folder (a shared volume). The default is
    /// <c>attachments/</c> in the data directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// The file holding the 256-bit secret that signs download links, made on first use. Every node of a cluster must
    /// read the same secret, or a link made by one fails on another; replacing it invalidates every link out there. The default is <c>attachment-links.secret</c> in the
    /// signing-key folder (<c>TokenIM:Tokens:KeyDirectory</c>), which a cluster shares already.
    /// </summary>
    public string? LinkSecretFile { get; set; }
}
