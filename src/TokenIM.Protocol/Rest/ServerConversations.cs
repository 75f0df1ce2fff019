namespace TokenIM.Protocol.Rest;

// The server API's conversations, members and messages: the app's backend acts for its users and bots.

/// <summary>Body of <c>POST /api/v1/server/conversations</c>: the same rules as a user's <see cref="CreateConversationRequest"/>, on behalf of <paramref name="CreatorId"/>.</summary>
/// <param name="Type"><c>direct</c> or <c>group</c>.</param>
/// <param name="CreatorId">The user (or bot) who creates it: a group's owner, or one side of a direct conversation. Must exist and not be disabled.</param>
/// <param name="MemberIds">For a group: the other members (the creator is added as owner).</param>
/// <param name="PeerId">For a direct conversation: the other user.</param>
/// <param name="Title">For a group: its title, 1–100 characters.</param>
public sealed record ServerCreateConversationRequest(
    string? Type, string? CreatorId, IReadOnlyList<string>? MemberIds = null, string? PeerId = null, string? Title = null);

/// <summary>Body of <c>POST /api/v1/server/conversations/{id}/members</c>.</summary>
/// <param name="UserIds">The users to add; those already members are ignored.</param>
/// <param name="ActorId">
/// Optional: the member on whose behalf the members are added, whose role then must allow it (owner or admin).
/// Absent: the app itself adds them, unbound by roles (the group size limit still holds).
/// </param>
public sealed record ServerAddMembersRequest(IReadOnlyList<string>? UserIds, string? ActorId = null);

/// <summary>Body of <c>POST /api/v1/server/conversations/{id}/messages</c>: the user API's send, on behalf of <paramref name="SenderId"/>.</summary>
/// <param name="SenderId">The member (user or bot) who sends it; must not be disabled.</param>
/// <param name="ClientMsgId">1–64 printable ASCII characters; a resend with the same value (by the same sender) returns the original.</param>
/// <param name="Text">1–4,000 characters and at most 16 KiB of UTF-8; not only white space.</param>
public sealed record ServerSendMessageRequest(string? SenderId, string? ClientMsgId, string? Text);
