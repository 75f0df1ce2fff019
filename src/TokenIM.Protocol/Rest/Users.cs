namespace TokenIM.Protocol.Rest;

/// <summary>A user as other users see it.</summary>
/// <param name="Id">Opaque user id.</param>
/// <param name="Username">Unique, lower case.</param>
/// <param name="DisplayName">Shown name.</param>
/// <param name="IsBot">True for a bot user (made by the app's backend); absent for people, so older clients see no change.</param>
/// <param name="IsAdmin">True when the user has the admin role; only in <c>GET /api/v1/users/me</c> (the caller's own
/// answer), absent everywhere else, so nobody learns who the admins are. A client shows the admin console when it is true.</param>
public sealed record UserDto(string Id, string Username, string DisplayName, bool? IsBot = null, bool? IsAdmin = null);

/// <summary>Answer to <c>GET /api/v1/users?query=</c>: users whose username starts with the query, by username.</summary>
/// <param name="Users">At most <c>limit</c> users (default 20, at most 50).</param>
public sealed record UserList(IReadOnlyList<UserDto> Users);

/// <summary>Body of <c>PATCH /api/v1/users/me</c>.</summary>
/// <param name="DisplayName">The new display name, 1–64 characters.</param>
public sealed record UpdateProfileRequest(string? DisplayName);
