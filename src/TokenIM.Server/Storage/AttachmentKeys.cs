namespace TokenIM.Server.Storage;

/// <summary>
/// The names of blobs: a file's is the SHA-256 of its bytes (64 lowercase hex digits); its thumbnail's is the same plus
/// <see cref="ThumbnailSuffix"/>, since a thumbnail is made from the bytes alone. So a file and its thumbnail are
/// referenced, and deleted, together.
/// </summary>
internal static class AttachmentKeys
{
    public const string ThumbnailSuffix = "_t";

    public static string Thumbnail(string blobKey) => blobKey + ThumbnailSuffix;

    public static bool IsValid(string key)
    {
        var hex = key.EndsWith(ThumbnailSuffix, StringComparison.Ordinal) ? key[..^ThumbnailSuffix.Length] : key;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower);
    }
}
