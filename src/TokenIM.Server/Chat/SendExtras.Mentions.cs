#pragma warning disable CA1822 // A seam until its feature fills it: then it reads the store.
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>The mentions column of the new message (see <see cref="MessageEntity.Mentions"/>); null when it mentions nobody.</summary>
    private Task<string?> ResolveMentionsAsync(string userId, string conversationId, string text, MemberRoster roster, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);
}
