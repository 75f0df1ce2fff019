using TokenIM.Protocol;

namespace TokenIM.Server.Chat;

/// <summary>The expected failures of the chat domain, worded once.</summary>
internal static class ChatFailures
{
    /// <summary>Also the answer for a conversation the caller is not a member of: the two must be indistinguishable.</summary>
    public static Failure ConversationNotFound { get; } = new(ErrorCode.ConversationNotFound, "No such conversation.");

    public static Failure IsDirect { get; } = new(ErrorCode.ConversationIsDirect, "The members of a direct conversation never change.");

    public static Failure PermissionDenied(string action) => new(ErrorCode.PermissionDenied, $"Your role does not allow you to {action}.");

    public static Failure GroupFull(int maxMembers) => new(ErrorCode.GroupFull, $"A group has at most {maxMembers} members.");

    public static Failure UserNotFound(IEnumerable<string> userIds) =>
        new(ErrorCode.UserNotFound, $"No such user: {string.Join(", ", userIds)}.");

    public static Failure StoreUnavailable { get; } =
        new(ErrorCode.StoreUnavailable, "The storage for this request is unreachable for now; retry later (a message with the same clientMsgId).")
        {
            RetryAfter = TimeSpan.FromSeconds(2),
        };

    /// <summary>Deliberately the same words as the catalogue's: the blocked user learns nothing more.</summary>
    public static Failure BlockedByUser { get; } = new(ErrorCode.BlockedByUser, "The recipient does not accept your messages.");

    public static Failure NotAMember { get; } = new(ErrorCode.UserNotFound, "That user is not a member of the conversation.");
}
