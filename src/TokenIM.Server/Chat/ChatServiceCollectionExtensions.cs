using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal static class ChatServiceCollectionExtensions
{
    /// <summary>The chat domain, its store and the group-commit writer (a hosted service that drains on shutdown).</summary>
    public static IServiceCollection AddTokenImChat(this IServiceCollection services)
    {
        services.AddSingleton<MembershipCache>();
        services.AddSingleton<EfChatStore>();
        services.AddSingleton<IChatStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSingleton<IMessageStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSingleton<IMessageChangeStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSingleton<ISearchStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSocial();
        services.AddTokenImAttachments();
        // The fan-out is registered before the writer so that it stops after it: every committed batch gets published.
        services.AddSingleton<MessageFanout>();
        services.AddSingleton<IMessageCommitObserver>(sp => sp.GetRequiredService<MessageFanout>());
        services.AddHostedService(sp => sp.GetRequiredService<MessageFanout>());
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageWriter>());
        services.AddSingleton<SendThrottle>();
        services.AddSingleton<ChatEvents>();
        services.AddSingleton<RealtimeService>();
        services.AddScoped<ConversationService>();
        services.AddScoped<MembershipService>();
        services.AddScoped<ServerConversationService>();
        // Stateless over singletons: the gateway calls it without a request scope.
        services.AddSingleton<SendExtras>();
        services.AddSingleton<MessageViews>();
        services.AddSingleton<MessageService>();
        services.AddSingleton<ChangeEvents>();
        services.AddSingleton<MessageChangeService>();
        services.AddSingleton<SearchService>();
        return services;
    }
}
