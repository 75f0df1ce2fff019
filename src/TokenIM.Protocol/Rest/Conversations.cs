namespace TokenIM.Protocol.Rest;

/// <summary>The kinds of conversation, as their wire values.</summary>
public static class ConversationTypes
{
    /// <summary>Exactly two members, fixed; one per pair of users.</summary>
    public const string Direct = "direct";

    /// <summary>A titled group with roles; members can be added and removed.</summary>
    public const string Group = "group";
}

/// <summary>The member roles of a group, as their wire values.</summary>
public static class MemberRoles
{
    /// <summary>Created the group (or inherited it); may do everything, including changing roles.</summary>
    public const string Owner = "owner";

    /// <summary>May add and remove members and rename the group.</summary>
    public const string Admin = "admin";

    /// <summary>May read, send and leave.</summary>
    public const string Member = "member";
}

/// <summary>Body of <c>POST /api/v1/conversations</c>.</summary>
/// <param name="Type"><c>direct</c> (with <paramref name="PeerId"/>) or <c>group</c> (with <paramref name="Title"/> and <paramref name="MemberIds"/>).</param>
/// <param name="PeerId">The other user of a direct conversation.</param>
/// <param name="Title">A group's title, 1–100 characters.</param>
/// <param name="MemberIds">The group's first members besides the creator, who is added as owner.</param>
public sealed record CreateConversationRequest(string? Type, string? PeerId = null, string? Title = null, IReadOnlyList<string>? MemberIds = null);

/// <summary>Body of <c>PATCH /api/v1/conversations/{id}</c> (groups, by owners and admins).</summary>
/// <param name="Title">The new title, 1–100 characters.</param>
public sealed record UpdateConversationRequest(string? Title);

/// <summary>Body of <c>POST /api/v1/conversations/{id}/members</c>.</summary>
/// <param name="UserIds">Users to add; users already in the group are ignored.</param>
public sealed record AddMembersRequest(IReadOnlyList<string>? UserIds);

/// <summary>Body of <c>PATCH /api/v1/conversations/{id}/members/{userId}</c> (owners only).</summary>
/// <param name="Role"><c>admin</c>, <c>member</c>, or <c>owner</c> to hand ownership over (the caller becomes an admin).</param>
public sealed record UpdateMemberRequest(string? Role);

/// <summary>A conversation as one member sees it.</summary>
/// <param name="Id">Opaque conversation id.</param>
/// <param name="Type"><c>direct</c> or <c>group</c>.</param>
/// <param name="Title">The group title; absent for direct conversations (clients show the peer's name).</param>
/// <param name="MemberIds">Every member's user id.</param>
/// <param name="LastSeq">The seq of the newest message, 0 when there is none.</param>
/// <param name="ReadSeq">The caller's read marker.</param>
/// <param name="UnreadCount"><c>LastSeq − ReadSeq</c>.</param>
/// <param name="LastMessage">The newest message, when there is one.</param>
/// <param name="UpdatedAt">When the conversation last had activity (a message, or its creation): the sort key of the list.</param>
/// <param name="CreatedAt">When the conversation was created.</param>
/// <param name="Role">The caller's role.</param>
/// <param name="LastChangeSeq">The conversation's change counter: how many edits, recalls and reaction changes it has had (0: none). A client that holds less asks <c>GET …/changes?afterChangeSeq=</c>.</param>
/// <param name="MentionCount">Unread messages (above <c>readSeq</c>) that mention the caller, by name or <c>@all</c>.</param>
/// <param name="Muted">The caller muted it: no notifications; unread is still counted.</param>
/// <param name="Pinned">The caller pinned it: the list shows it first.</param>
/// <param name="Archived">The caller archived it: the list shows it apart; a new message does not bring it back.</param>
public sealed record ConversationDto(
    string Id,
    string Type,
    string? Title,
    IReadOnlyList<string> MemberIds,
    long LastSeq,
    long ReadSeq,
    long UnreadCount,
    MessageDto? LastMessage,
    DateTimeOffset UpdatedAt,
    DateTimeOffset CreatedAt,
    string Role,
    long LastChangeSeq = 0,
    long MentionCount = 0,
    bool Muted = false,
    bool Pinned = false,
    bool Archived = false);

/// <summary>Body of <c>PATCH /api/v1/conversations/{id}/settings</c>: the caller's own settings; absent members stay as they are.</summary>
/// <param name="Muted">No notifications (unread is still counted).</param>
/// <param name="Pinned">Listed first (the most recently pinned first).</param>
/// <param name="Archived">Listed apart.</param>
public sealed record ConversationSettingsRequest(bool? Muted = null, bool? Pinned = null, bool? Archived = null);

/// <summary>Answer to <c>GET /api/v1/conversations</c>: most recently active first.</summary>
/// <param name="Conversations">Every conversation the caller is a member of.</param>
public sealed record ConversationList(IReadOnlyList<ConversationDto> Conversations);

/// <summary>One member of a conversation.</summary>
/// <param name="UserId">The member.</param>
/// <param name="Role"><c>owner</c>, <c>admin</c> or <c>member</c>.</param>
/// <param name="JoinedAt">When the member joined.</param>
/// <param name="ReadSeq">The member's read marker (for read receipts).</param>
public sealed record MemberDto(string UserId, string Role, DateTimeOffset JoinedAt, long ReadSeq);

/// <summary>Answer to <c>GET /api/v1/conversations/{id}/members</c>, in joining order.</summary>
/// <param name="Members">Every member.</param>
public sealed record MemberList(IReadOnlyList<MemberDto> Members);
