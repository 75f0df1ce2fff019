using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkiaSharp;
using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>Files for attachment tests, the SDK over the test server, and what the server kept on disk and in its rows.</summary>
internal static class AttachmentFiles
{
    /// <summary>A real PNG of the given size (a diagonal gradient, opaque), made with the same library the server decodes with.</summary>
    public static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.Red, SKColors.Blue], SKShaderTileMode.Clamp) };
            canvas.DrawRect(0, 0, width, height, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The start of a Linux executable (ELF header).</summary>
    public static byte[] Executable() => [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0, 1, 0, 0, 0, 0x40, 0x10, 0x40, 0, 0, 0, 0, 0];

    /// <summary>The SDK's REST client for a user of a test server (no sockets: the test server has none).</summary>
    public static TokenImClient Sdk(this TokenImFactory factory, TestUser user)
    {
        var client = new TokenImClient(factory.CreateClient());
        client.UseTokens(TokenSet.From(user.Tokens, DateTimeOffset.UtcNow));
        return client;
    }

    /// <summary>The files under the blob folder (not the scratch folder) and the scratch files, as the server keeps them.</summary>
    public static (string[] Blobs, string[] Scratch) Disk(TokenImFactory factory)
    {
        var options = factory.Services.GetRequiredService<IOptions<TokenImOptions>>().Value;
        var root = Path.Combine(options.DataDirectory, "attachments");
        if (!Directory.Exists(root))
            return ([], []);
        var scratch = Path.Combine(root, "tmp");
        var all = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        return ([.. all.Where(f => !f.StartsWith(scratch, StringComparison.Ordinal))], [.. all.Where(f => f.StartsWith(scratch, StringComparison.Ordinal))]);
    }

    /// <summary>Every attachment row of the (single SQLite) store.</summary>
    public static async Task<List<AttachmentEntity>> RowsAsync(TokenImFactory factory)
    {
        await using var db = factory.Services.GetRequiredService<StoreShards>().All[0].Create();
        return await db.Attachments.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
    }
}
