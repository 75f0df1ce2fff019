using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>
    /// The mentions column of an edited text: read again by the rules of sending (<see cref="ResolveMentionsAsync"/>),
    /// so an edit that adds or removes an <c>@username</c> changes who is mentioned.
    /// </summary>
    public Task<string?> ResolveEditMentionsAsync(string userId, string conversationId, string text, MemberRoster roster, CancellationToken cancellationToken) =>
        ResolveMentionsAsync(userId, conversationId, text, roster, cancellationToken);
}
