using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenIM.Cli.Admin;

/// <summary>
/// <c>manifest.json</c> of a backup folder: what the backup holds and how to check it. Written last, so a folder
/// without one is an interrupted backup.
/// </summary>
/// <param name="Format">The layout version; a restore refuses one it does not know.</param>
/// <param name="CreatedAt">When the backup was taken.</param>
/// <param name="Provider"><c>Sqlite</c> or <c>Postgres</c>: a restore needs a server configured alike.</param>
/// <param name="Migration">The last migration applied to the store (the directory database): the schema it holds.</param>
/// <param name="Epoch">The store's epoch when the backup was taken; a restore writes a new one.</param>
/// <param name="Databases">Which file holds which database (for PostgreSQL: the directory and each shard).</param>
/// <param name="Files">Every file of the backup except the manifest, with its size and SHA-256.</param>
internal sealed record BackupManifest(
    int Format,
    DateTimeOffset CreatedAt,
    string Provider,
    string? Migration,
    string? Epoch,
    IReadOnlyList<BackupDatabase> Databases,
    IReadOnlyList<BackupFile> Files)
{
    public const int CurrentFormat = 1;
    public const string FileName = "manifest.json";

    /// <summary>The folder of the signing keys (and the link secret when it lives there) inside a backup.</summary>
    public const string KeysFolder = "keys";

    /// <summary>The attachment blobs inside a backup, in the store's own layout.</summary>
    public const string AttachmentsFolder = "attachments";

    /// <summary>The attachment-link secret, when it is configured outside the key folder.</summary>
    public const string LinkSecretName = "attachment-links.secret";

    public static async Task<BackupManifest> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(Path.Combine(folder, FileName));
        return await JsonSerializer.DeserializeAsync(stream, BackupJsonContext.Default.BackupManifest, cancellationToken)
            ?? throw new InvalidDataException("manifest.json is empty.");
    }

    public async Task WriteAsync(string folder, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(Path.Combine(folder, FileName));
        await JsonSerializer.SerializeAsync(stream, this, BackupJsonContext.Default.BackupManifest, cancellationToken);
    }

    /// <summary>The files whose size or SHA-256 differs from the manifest's (or that are missing), as messages.</summary>
    public async Task<List<string>> VerifyAsync(string folder, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var file in Files)
        {
            var path = BackupFile.PathIn(folder, file.Path);
            if (path is null || !File.Exists(path))
                problems.Add($"{file.Path}: missing");
            else if (new FileInfo(path).Length != file.Bytes)
                problems.Add($"{file.Path}: {new FileInfo(path).Length} bytes, the manifest says {file.Bytes}");
            else if (await BackupFile.Sha256Async(path, cancellationToken) != file.Sha256)
                problems.Add($"{file.Path}: the SHA-256 differs from the manifest's");
        }

        return problems;
    }
}

/// <summary>One database of the backup.</summary>
/// <param name="Role"><c>store</c> (the SQLite file), <c>directory</c> or <c>shard</c>.</param>
/// <param name="Shard">The shard's index (for a directory that is also a shard, that shard's).</param>
/// <param name="File">The file in the backup (a <c>pg_dump --format=custom</c> archive for PostgreSQL).</param>
internal sealed record BackupDatabase(string Role, int? Shard, string File);

/// <summary>One file of the backup, its path relative to the backup folder with <c>/</c> separators.</summary>
internal sealed record BackupFile(string Path, long Bytes, string Sha256)
{
    public static async Task<BackupFile> DescribeAsync(string folder, string path, CancellationToken cancellationToken)
    {
        var relative = System.IO.Path.GetRelativePath(folder, path).Replace('\\', '/');
        return new BackupFile(relative, new FileInfo(path).Length, await Sha256Async(path, cancellationToken));
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>The full path of a manifest entry, or null for one that would leave the folder (a forged manifest).</summary>
    public static string? PathIn(string folder, string relative)
    {
        var root = System.IO.Path.GetFullPath(folder);
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, relative));
        return full.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(BackupReport))]
internal sealed partial class BackupJsonContext : JsonSerializerContext;

/// <summary>What <c>backup</c> and <c>restore</c> print: one JSON object.</summary>
/// <param name="Folder">The backup folder.</param>
/// <param name="Provider">The store's provider.</param>
/// <param name="Epoch">The epoch the backup holds (backup) or the new one written (restore).</param>
/// <param name="Files">How many files the backup lists.</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="SetAside">What a restore renamed out of the way (to undo it, rename those back).</param>
internal sealed record BackupReport(string Folder, string Provider, string? Epoch, int Files, long Bytes, IReadOnlyList<string> SetAside);
