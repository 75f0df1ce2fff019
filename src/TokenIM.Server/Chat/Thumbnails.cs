using SkiaSharp;

namespace TokenIM.Server.Chat;

/// <summary>
/// An image's size and a small preview, with SkiaSharp. The size comes from the header alone; the pixels are decoded
/// only when there are at most <c>TokenIM:Attachments:MaxThumbnailSourcePixels</c> of them (a 100,000 × 100,000 PNG of
/// a few kilobytes would otherwise take 40 GB), and JPEG and WebP decode at a reduced scale where the codec can.
/// </summary>
internal static class Thumbnails
{
    /// <summary>The longer side of a thumbnail, at most.</summary>
    public const int MaxSide = 320;

    /// <summary>The image's width and height (null when the file does not decode), and the thumbnail's bytes (null when none was made).</summary>
    public static (int Width, int Height, byte[]? Thumbnail)? Make(string path, long maxSourcePixels)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null)
            return null;
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            return null;
        if ((long)info.Width * info.Height > maxSourcePixels)
            return (info.Width, info.Height, null);

        // Decoding at a reduced scale first (JPEG's DCT scaling) saves most of the memory and time of big photos.
        var scale = Math.Min(1f, (float)MaxSide / Math.Max(info.Width, info.Height));
        var decodeSize = codec.GetScaledDimensions(Math.Max(scale, 1f / 8));
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            return (info.Width, info.Height, null);

        var longer = Math.Max(decodeSize.Width, decodeSize.Height);
        var factor = Math.Min(1f, (float)MaxSide / longer);
        var width = Math.Max(1, (int)Math.Round(decodeSize.Width * factor));
        var height = Math.Max(1, (int)Math.Round(decodeSize.Height * factor));
        using var resized = decoded.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (resized is null)
            return (info.Width, info.Height, null);
        using var image = SKImage.FromBitmap(resized);
        // PNG keeps transparency; an opaque image is smaller as JPEG.
        var format = info.AlphaType == SKAlphaType.Opaque ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;
        using var encoded = image.Encode(format, 80);
        return (info.Width, info.Height, encoded?.ToArray());
    }

    /// <summary>The type of a thumbnail's bytes (JPEG or PNG, by their first bytes).</summary>
    public static string ContentTypeOf(ReadOnlySpan<byte> thumbnail) => thumbnail.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8]) ? "image/jpeg" : "image/png";
}
