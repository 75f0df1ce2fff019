using System.Globalization;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Storage;

/// <summary>
/// Blobs as files under <c>TokenIM:Attachments:Directory</c> (default <c>attachments/</c> in the data directory),
/// fanned out by the key's first two characters (<c>ab/abcdef…</c>) so no folder grows huge. Uploads are written
/// under <c>tmp/</c> and renamed into place: a file under its key is always whole. A file's modification time is its
/// last use, set from the server's clock so that the cleanup's arithmetic holds under a test clock too.
/// </summary>
internal sealed class FileAttachmentBlobStore : IAttachmentBlobStore
{
    private readonly string _root;
    private readonly string _temp;
    private readonly TimeProvider _time;

    public FileAttachmentBlobStore(IOptions<TokenImOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        _root = settings.Attachments.Directory is { Length: > 0 } shared
            ? Path.GetFullPath(shared)
            : Path.Combine(Path.GetFullPath(settings.DataDirectory), "attachments");
        _temp = Path.Combine(_root, "tmp");
        _time = time;
    }

    public string NewTempPath()
    {
        CreatePrivateDirectory(_temp);
        return Path.Combine(_temp, Guid.NewGuid().ToString("N") + ".part");
    }

    public Task PutAsync(string key, string tempPath, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        CreatePrivateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            File.Move(tempPath, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // The same bytes are stored already (content addressing): keep the first copy.
            File.Delete(tempPath);
        }

        File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }

    public bool Touch(string key)
    {
        var path = PathOf(key);
        try
        {
            File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    public Stream? OpenRead(string key)
    {
        try
        {
            return new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<bool> DeleteIfIdleAsync(string key, DateTimeOffset usedBefore, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        if (!file.Exists)
            return Task.FromResult(true);
        if (file.LastWriteTimeUtc >= usedBefore.UtcDateTime)
            return Task.FromResult(false);
        file.Delete();
        return Task.FromResult(true);
    }

    public int DeleteStaleScratch(DateTimeOffset before)
    {
        if (!Directory.Exists(_temp))
            return 0;
        var deleted = 0;
        // Scratch files carry the real clock's times (they are never touched); an upload in progress writes to its file
        // continuously, so anything older than the cut-off is abandoned.
        foreach (var file in new DirectoryInfo(_temp).EnumerateFiles("*.part"))
        {
            if (file.LastWriteTimeUtc >= before.UtcDateTime)
                continue;
            file.Delete();
            deleted++;
        }
        return deleted;
    }

    /// <summary>A file under the root for a key: only the keys of <see cref="AttachmentKeys"/> are accepted, so none reaches outside the folder.</summary>
    private string PathOf(string key) => AttachmentKeys.IsValid(key)
        ? Path.Combine(_root, key[..2], key)
        : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Not a blob key: '{key}'."), nameof(key));

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
