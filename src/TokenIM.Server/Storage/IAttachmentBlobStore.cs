namespace TokenIM.Server.Storage;

/// <summary>
/// Where attachment bytes live, content-addressed: the key is the SHA-256 of the bytes (hex), so equal files and
/// forwards share one blob. Pluggable (the default is <see cref="FileAttachmentBlobStore"/>); an object store would
/// implement the same four calls. Every node of a cluster must reach the same store.
/// </summary>
internal interface IAttachmentBlobStore
{
    /// <summary>
    /// A private scratch file for an upload in progress, on the same volume as the blobs so that <see cref="PutAsync"/>
    /// is a rename. The caller deletes it if it does not put it.
    /// </summary>
    string NewTempPath();

    /// <summary>
    /// Stores the scratch file under <paramref name="key"/> (moved, so a crash leaves either no blob or the whole one);
    /// when the key exists already the scratch file is dropped and the blob's use time is renewed, so a concurrent
    /// cleanup does not delete it between now and the caller's row (see <see cref="DeleteIfIdleAsync"/>).
    /// </summary>
    Task PutAsync(string key, string tempPath, CancellationToken cancellationToken);

    /// <summary>Renews the use time of an existing blob (a forward shares it); false when it is gone.</summary>
    bool Touch(string key);

    /// <summary>The bytes, or null when the blob is gone.</summary>
    Stream? OpenRead(string key);

    /// <summary>
    /// Deletes the blob unless it was put or touched after <paramref name="usedBefore"/>: a blob no row references any
    /// more may be about to get one from an upload of the same bytes. Deleting a missing blob is no error (several
    /// nodes may clean at once). False when it was kept for being in use.
    /// </summary>
    Task<bool> DeleteIfIdleAsync(string key, DateTimeOffset usedBefore, CancellationToken cancellationToken);

    /// <summary>Deletes scratch files older than <paramref name="before"/>: uploads cut off by a crash. Returns how many.</summary>
    int DeleteStaleScratch(DateTimeOffset before);
}
