namespace TokenIM.Cli.Admin;

/// <summary>
/// The files a store needs beside its databases: the signing keys (sessions keep verifying after a restore), the
/// attachment-link secret and the attachment blobs. Copied after the database snapshot: blobs are written once under
/// their content key and never changed, so every blob the snapshot names is already there; blobs written since are
/// extra and harmless (the cleanup deletes unused ones).
/// </summary>
internal static class BackupFiles
{
    /// <summary>Copies keys, link secret and blobs of <paramref name="store"/> into <paramref name="folder"/>; returns the copies.</summary>
    public static List<string> Copy(StoreLocation store, string folder, CancellationToken cancellationToken)
    {
        var copied = new List<string>();
        CopyTree(store.KeyDirectory, Path.Combine(folder, BackupManifest.KeysFolder), copied, skip: null, cancellationToken);
        if (!store.LinkSecretInKeys && File.Exists(store.LinkSecretFile))
        {
            var target = Path.Combine(folder, BackupManifest.LinkSecretName);
            File.Copy(store.LinkSecretFile, target);
            copied.Add(target);
        }

        // tmp/ holds uploads being written: never part of the store.
        CopyTree(store.AttachmentDirectory, Path.Combine(folder, BackupManifest.AttachmentsFolder), copied, skip: "tmp", cancellationToken);
        return copied;
    }

    /// <summary>
    /// Puts the backup's keys, link secret and blobs in place of the store's, renaming what was there to
    /// <c>NAME.before-restore-STAMP</c>; returns the renamed paths.
    /// </summary>
    public static List<string> Restore(StoreLocation store, string folder, string stamp, CancellationToken cancellationToken)
    {
        var setAside = new List<string>();
        ReplaceTree(Path.Combine(folder, BackupManifest.KeysFolder), store.KeyDirectory, stamp, setAside, cancellationToken);
        var secret = Path.Combine(folder, BackupManifest.LinkSecretName);
        if (!store.LinkSecretInKeys && File.Exists(secret))
        {
            SetAside(store.LinkSecretFile, stamp, setAside);
            Directory.CreateDirectory(Path.GetDirectoryName(store.LinkSecretFile)!);
            File.Copy(secret, store.LinkSecretFile);
        }

        ReplaceTree(Path.Combine(folder, BackupManifest.AttachmentsFolder), store.AttachmentDirectory, stamp, setAside, cancellationToken);
        return setAside;
    }

    /// <summary>Renames <paramref name="path"/> (a file or folder) out of the way, if it exists.</summary>
    public static void SetAside(string path, string stamp, List<string> setAside)
    {
        var aside = $"{path}.before-restore-{stamp}";
        if (File.Exists(path))
            File.Move(path, aside);
        else if (Directory.Exists(path))
            Directory.Move(path, aside);
        else
            return;
        setAside.Add(aside);
    }

    private static void ReplaceTree(string source, string target, string stamp, List<string> setAside, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(source))
            return;
        SetAside(target, stamp, setAside);
        CopyTree(source, target, [], skip: null, cancellationToken);
    }

    private static void CopyTree(string source, string target, List<string> copied, string? skip, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(source))
            return;
        CreatePrivateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var destination = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo folder)
            {
                if (entry.Name != skip)
                    CopyTree(folder.FullName, destination, copied, skip: null, cancellationToken);
                continue;
            }

            // A blob the running server deleted meanwhile (an expired unsent upload) is simply not copied.
            if (!TryCopy(entry.FullName, destination))
                continue;
            copied.Add(destination);
        }
    }

    private static bool TryCopy(string source, string destination)
    {
        try
        {
            File.Copy(source, destination);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Keys and secrets: folders for the owner only, as the server makes them.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
