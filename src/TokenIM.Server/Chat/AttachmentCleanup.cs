using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Deletes uploads not sent within <c>TokenIM:Attachments:UnsentLifetime</c>, then the bytes no row names any more.
/// Runs on every node without coordination: each row is deleted by a conditional delete (no message carries it), so
/// two nodes at once delete it once between them, and deleting a missing blob is no error.
/// </summary>
internal sealed partial class AttachmentCleanup(
    IAttachmentStore store, IAttachmentBlobStore blobs, AttachmentService files, TimeProvider time, IOptions<TokenImOptions> options, ILogger<AttachmentCleanup> logger)
    : BackgroundService
{
    private const int Batch = 500;

    private readonly AttachmentSettings _settings = options.Value.Attachments;

    /// <summary>One pass; returns how many uploads it deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - _settings.UnsentLifetime).ToUnixTimeMilliseconds();
        var total = 0;
        IReadOnlyList<AttachmentEntity> deleted;
        do
        {
            deleted = await store.DeleteUnsentAttachmentsAsync(cutoff, Batch, cancellationToken);
            total += deleted.Count;
            foreach (var key in deleted.Select(a => a.BlobKey).Distinct(StringComparer.Ordinal))
                await files.DeleteBlobIfUnreferencedAsync(key, cancellationToken);
        }
        while (deleted.Count == Batch);
        await files.RetryDeferredAsync(cancellationToken);
        // Scratch files of uploads a crash cut off; real time, as the file system stamps them.
        blobs.DeleteStaleScratch(DateTimeOffset.UtcNow - TimeSpan.FromDays(1));
        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The pace is real time; what is old enough to delete is judged by the injected clock (RunOnceAsync). A fake
        // clock moved on by days would otherwise fire a pass per interval passed.
        using var timer = new PeriodicTimer(_settings.CleanupInterval);
        do
        {
            try
            {
                var deleted = await RunOnceAsync(stoppingToken);
                if (deleted > 0)
                    LogDeleted(logger, deleted);
            }
            catch (Exception e) when (StoreUnavailableException.IsUnreachable(e) || e is IOException)
            {
                // The next pass retries; nothing is half done (rows go one by one, blobs only when unreferenced).
                LogFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 3410, Level = LogLevel.Information, Message = "Deleted {Count} unsent uploads")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(EventId = 3411, Level = LogLevel.Warning, Message = "Attachment cleanup failed, retried at the next pass: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
