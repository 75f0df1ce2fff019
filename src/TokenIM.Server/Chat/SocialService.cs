using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>A member's own settings of a conversation (muted, pinned, archived), and blocking users.</summary>
internal sealed class SocialService(
    IConversationStore conversations, ISocialStore social, IAccountStore accounts, IBlockStore blocks, BlockList blockList, ChatEvents events, TimeProvider time)
{
    /// <summary>
    /// Applies the caller's settings and returns the conversation as they see it; their devices hear
    /// <c>settings_changed</c>. Membership is checked before the body.
    /// </summary>
    public async Task<Result<ConversationDto>> UpdateSettingsAsync(
        string userId, string conversationId, ConversationSettingsRequest? request, CancellationToken cancellationToken)
    {
        if (await conversations.FindMembershipAsync(conversationId, userId, cancellationToken) is null)
            return ChatFailures.ConversationNotFound;
        if (request is null or { Muted: null, Pinned: null, Archived: null })
            return Failure.Validation("settings", "Give at least one of muted, pinned and archived.");
        // Not a member any more (left in between): the same answer as for any outsider.
        if (!await social.UpdateSettingsAsync(conversationId, userId, request, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
            return ChatFailures.ConversationNotFound;
        var view = await conversations.GetConversationAsync(conversationId, userId, cancellationToken);
        if (view is null)
            return ChatFailures.ConversationNotFound;
        var dto = view.ToDto();
        await events.SettingsChangedAsync(userId, dto);
        return dto;
    }

    /// <summary>Blocks <paramref name="blockedUserId"/>: their sends to the direct conversation shared with the caller are refused from now on, on every node.</summary>
    public async Task<Outcome> BlockAsync(string userId, string blockedUserId, CancellationToken cancellationToken)
    {
        if (blockedUserId == userId)
            return Failure.Validation("id", "You cannot block yourself.");
        if (await accounts.FindUserAsync(blockedUserId, cancellationToken) is null)
            return ChatFailures.UserNotFound([blockedUserId]);
        if (await blocks.AddBlockAsync(userId, blockedUserId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
            await blockList.ChangedAsync(userId);
        return Outcome.Ok;
    }

    public async Task<Outcome> UnblockAsync(string userId, string blockedUserId, CancellationToken cancellationToken)
    {
        if (await accounts.FindUserAsync(blockedUserId, cancellationToken) is null)
            return ChatFailures.UserNotFound([blockedUserId]);
        if (await blocks.RemoveBlockAsync(userId, blockedUserId, cancellationToken))
            await blockList.ChangedAsync(userId);
        return Outcome.Ok;
    }

    /// <summary>The users the caller blocked, the most recent first.</summary>
    public async Task<UserList> ListBlockedAsync(string userId, CancellationToken cancellationToken) =>
        new([.. (await blocks.ListBlockedUsersAsync(userId, cancellationToken)).Select(AccountService.ToDto)]);
}

internal static class SocialServiceCollectionExtensions
{
    /// <summary>Replies, forwards, mentions, settings and blocking: their stores (shards and directory), the block cache and the service.</summary>
    public static IServiceCollection AddSocial(this IServiceCollection services)
    {
        services.AddSingleton<ISocialStore>(sp => sp.GetRequiredService<EfChatStore>());
        services.AddSingleton<EfSocialDirectory>();
        services.AddSingleton<IBlockStore>(sp => sp.GetRequiredService<EfSocialDirectory>());
        services.AddSingleton<IUsernameDirectory>(sp => sp.GetRequiredService<EfSocialDirectory>());
        services.AddSingleton<BlockList>();
        services.AddScoped<SocialService>();
        return services;
    }
}
