using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal static class AttachmentServiceCollectionExtensions
{
    /// <summary>Uploads, their rows and bytes, download links and the cleanup of unsent uploads.</summary>
    public static IServiceCollection AddTokenImAttachments(this IServiceCollection services)
    {
        services.AddSingleton<IAttachmentStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSingleton<IAttachmentBlobStore, FileAttachmentBlobStore>();
        services.AddSingleton<AttachmentLinks>();
        services.AddSingleton<AttachmentService>();
        services.AddSingleton<AttachmentCleanup>();
        services.AddHostedService(sp => sp.GetRequiredService<AttachmentCleanup>());
        return services;
    }
}
