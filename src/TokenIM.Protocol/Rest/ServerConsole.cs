namespace TokenIM.Protocol.Rest;

// The server API's routes for the admin console (/api/v1/server/users/{id}/admin, /api/v1/server/conversations?query=).

/// <summary>Body of <c>PUT /api/v1/server/users/{id}/admin</c>.</summary>
/// <param name="Admin">True gives the user the admin role, false takes it away; required. Takes effect on the user's next request.</param>
public sealed record SetAdminRequest(bool? Admin);

/// <summary>A conversation as the console's search lists it: no members, only their count.</summary>
/// <param name="Id">Opaque conversation id.</param>
/// <param name="Type"><c>direct</c> or <c>group</c>.</param>
/// <param name="Title">A group's title; absent for a direct conversation.</param>
/// <param name="MemberCount">How many members it has now.</param>
/// <param name="LastSeq">The seq of its newest message (0 when none).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">Its last activity.</param>
public sealed record ServerConversationSummaryDto(
    string Id, string Type, string? Title, int MemberCount, long LastSeq, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Answer to <c>GET /api/v1/server/conversations?query=…&amp;limit=…</c>: at most <c>limit</c> matches, newest activity first.</summary>
/// <param name="Conversations">The matches: the conversation whose id is the query, and those whose title contains it (any case).</param>
public sealed record ServerConversationList(IReadOnlyList<ServerConversationSummaryDto> Conversations);
