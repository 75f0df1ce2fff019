using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// One request of the matrix. <see cref="Refusal"/> is the documented answer when the request targets a victim's
/// conversation, session or account; null when it acts only on the caller's own scope (its own profile, list,
/// sessions, or the public user directory), where any non-5xx answer is fine as long as it leaks nothing.
/// </summary>
internal sealed record Attempt(HttpMethod Method, string Path, object? Body, ErrorCode? Refusal);

/// <summary>A route as the OpenAPI document names it (<c>METHOD /path/{param}</c>), whether it needs a token, and how to call it.</summary>
internal sealed record RouteEntry(string Route, bool RequiresAuth, Func<VictimWorld, TestUser, IEnumerable<Attempt>> Attempts);

/// <summary>
/// How to call every REST route as an attacker who is not a member of the victims' conversations and does not own their
/// sessions: path parameters are the victims' ids, bodies are valid for the route, so a refusal is authorization,
/// not validation. A route in the OpenAPI document missing here fails the matrix: add its row when adding the route.
/// </summary>
internal static class RestRouteTable
{
    private const string Conversations = "/api/v1/conversations";

    private static readonly HttpMethod s_get = HttpMethod.Get, s_post = HttpMethod.Post, s_patch = HttpMethod.Patch, s_delete = HttpMethod.Delete;

    public static IReadOnlyList<RouteEntry> Routes { get; } =
    [
        // Accounts and sessions.
        new("POST /api/v1/auth/register", false, (_, a) => [new(s_post, "/api/v1/auth/register", new RegisterRequest($"{a.Username}-again", Api.DefaultPassword), null)]),
        new("POST /api/v1/auth/login", false, (w, a) =>
        [
            // The victim's username with the attacker's password: a way into the account, refused.
            new(s_post, "/api/v1/auth/login", new LoginRequest(w.Owner.Username, a.Password), ErrorCode.InvalidCredentials),
            new(s_post, "/api/v1/auth/login", new LoginRequest(a.Username, a.Password), null),
        ]),
        new("POST /api/v1/auth/refresh", false, (_, a) => [new(s_post, "/api/v1/auth/refresh", new RefreshRequest(a.Tokens.RefreshToken), null)]),
        new("POST /api/v1/auth/logout", true, (_, _) => [new(s_post, "/api/v1/auth/logout", null, null)]),
        new("POST /api/v1/auth/password", true, (_, a) => [new(s_post, "/api/v1/auth/password", new ChangePasswordRequest(a.Password, "another long passphrase"), null)]),
        new("GET /api/v1/auth/sessions", true, (_, _) => [new(s_get, "/api/v1/auth/sessions", null, null)]),
        new("DELETE /api/v1/auth/sessions/{id}", true, (w, _) =>
            w.SessionIds.Select(id => new Attempt(s_delete, $"/api/v1/auth/sessions/{id}", null, ErrorCode.SessionNotFound))),

        // Users: the directory is public to signed-in users by design; what it must not hold is a victim's private data.
        new("GET /api/v1/users/me", true, (_, _) => [new(s_get, "/api/v1/users/me", null, null)]),
        new("PATCH /api/v1/users/me", true, (_, _) => [new(s_patch, "/api/v1/users/me", new UpdateProfileRequest("attacker"), null)]),
        new("GET /api/v1/users/{id}", true, (w, _) => [new(s_get, $"/api/v1/users/{w.Owner.Id}", null, null), new(s_get, $"/api/v1/users/{w.Member.Id}", null, null)]),
        new("GET /api/v1/users", true, (_, _) => [new(s_get, "/api/v1/users?query=user&limit=50", null, null)]),

        // Conversations: the caller's own list and new conversations (which may name the victims: that is what inviting is).
        new("GET /api/v1/conversations", true, (_, _) => [new(s_get, Conversations, null, null)]),
        new("POST /api/v1/conversations", true, (w, _) =>
        [
            new(s_post, Conversations, new CreateConversationRequest(ConversationTypes.Direct, PeerId: w.Owner.Id), null),
            new(s_post, Conversations, new CreateConversationRequest(ConversationTypes.Group, Title: "mine", MemberIds: [w.Owner.Id, w.Member.Id]), null),
        ]),

        // The victims' conversations, each tried on the group and the direct one.
        new("GET /api/v1/conversations/{id}", true, (w, _) => OnEach(w, id => [new(s_get, $"{Conversations}/{id}", null, NotFound)])),
        new("PATCH /api/v1/conversations/{id}", true, (w, _) => OnEach(w, id => [new(s_patch, $"{Conversations}/{id}", new UpdateConversationRequest("pwned"), NotFound)])),
        new("GET /api/v1/conversations/{id}/members", true, (w, _) => OnEach(w, id => [new(s_get, $"{Conversations}/{id}/members", null, NotFound)])),
        new("POST /api/v1/conversations/{id}/members", true, (w, a) => OnEach(w, id => [new(s_post, $"{Conversations}/{id}/members", new AddMembersRequest([a.Id]), NotFound)])),
        new("DELETE /api/v1/conversations/{id}/members/{userId}", true, (w, a) => OnEach(w, id =>
        [
            new(s_delete, $"{Conversations}/{id}/members/{w.Member.Id}", null, NotFound),
            new(s_delete, $"{Conversations}/{id}/members/{a.Id}", null, NotFound),
        ])),
        new("PATCH /api/v1/conversations/{id}/members/{userId}", true, (w, a) => OnEach(w, id =>
        [
            new(s_patch, $"{Conversations}/{id}/members/{w.Member.Id}", new UpdateMemberRequest(MemberRoles.Admin), NotFound),
            new(s_patch, $"{Conversations}/{id}/members/{a.Id}", new UpdateMemberRequest(MemberRoles.Owner), NotFound),
        ])),
        new("GET /api/v1/conversations/{id}/messages", true, (w, _) => OnEach(w, id =>
        [
            new(s_get, $"{Conversations}/{id}/messages?afterSeq=0&limit=100", null, NotFound),
            new(s_get, $"{Conversations}/{id}/messages?beforeSeq=1000", null, NotFound),
        ])),
        new("POST /api/v1/conversations/{id}/messages", true, (w, _) => OnEach(w, id =>
        [
            new(s_post, $"{Conversations}/{id}/messages", new SendMessageRequest("attacker-1", "let me in"), NotFound),
            // A victim's clientMsgId: an idempotent resend must not hand back the original.
            new(s_post, $"{Conversations}/{id}/messages", new SendMessageRequest(w.Messages.First(m => m.ConversationId == id).ClientMsgId, "x"), NotFound),
        ])),
        new("POST /api/v1/conversations/{id}/read", true, (w, _) => OnEach(w, id => [new(s_post, $"{Conversations}/{id}/read", new ReadRequest(1), NotFound)])),
        // Files: uploads and links are members-only (404 before the body is read); a download needs a link this server signed.
        new("POST /api/v1/conversations/{id}/attachments", true, (w, _) => OnEach(w, id =>
            [new(s_post, $"{Conversations}/{id}/attachments?name=probe.txt", "plain bytes from an outsider", NotFound)])),
        new("GET /api/v1/conversations/{id}/attachments/{attachmentId}/link", true, (w, _) => OnEach(w, id =>
        [
            new(s_get, $"{Conversations}/{id}/attachments/0123456789abcdef0123456789abcdef/link", null, NotFound),
            new(s_get, $"{Conversations}/{id}/attachments/0123456789abcdef0123456789abcdef/link?variant=thumbnail", null, NotFound),
        ])),
        new("GET /api/v1/files/{attachmentId}", false, (_, _) =>
        [
            new(s_get, "/api/v1/files/0123456789abcdef0123456789abcdef", null, ErrorCode.InvalidLink),
            new(s_get, $"/api/v1/files/0123456789abcdef0123456789abcdef?exp={DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, ErrorCode.InvalidLink),
        ]),

        // Message changes: the victims' own message ids, so only membership stands between the attacker and them.
        new("PATCH /api/v1/conversations/{id}/messages/{messageId}", true, (w, _) => OnEach(w, id =>
            [new(s_patch, VictimMessage(w, id), new EditMessageRequest("pwned"), NotFound)])),
        new("DELETE /api/v1/conversations/{id}/messages/{messageId}", true, (w, _) => OnEach(w, id => [new(s_delete, VictimMessage(w, id), null, NotFound)])),
        new("POST /api/v1/conversations/{id}/messages/{messageId}/hide", true, (w, _) => OnEach(w, id => [new(s_post, $"{VictimMessage(w, id)}/hide", null, NotFound)])),
        new("PUT /api/v1/conversations/{id}/messages/{messageId}/reactions/{emoji}", true, (w, _) => OnEach(w, id =>
            [new(HttpMethod.Put, $"{VictimMessage(w, id)}/reactions/%F0%9F%91%8D", null, NotFound)])),
        new("DELETE /api/v1/conversations/{id}/messages/{messageId}/reactions/{emoji}", true, (w, _) => OnEach(w, id =>
            [new(s_delete, $"{VictimMessage(w, id)}/reactions/%F0%9F%91%8D", null, NotFound)])),
        new("GET /api/v1/conversations/{id}/changes", true, (w, _) => OnEach(w, id => [new(s_get, $"{Conversations}/{id}/changes?afterChangeSeq=0&limit=100", null, NotFound)])),

        // Search: over the caller's own conversations (the victims' texts must not come back), or one named conversation.
        new("GET /api/v1/search/messages", true, (w, _) =>
        [
            new(s_get, "/api/v1/search/messages?q=group-text", null, null),
            new(s_get, "/api/v1/search/messages?q=direct-text&limit=50", null, null),
            new(s_get, "/api/v1/search/messages?q=te", null, null),
            .. OnEach(w, id => [new(s_get, $"/api/v1/search/messages?q=text&conversationId={id}", null, NotFound)]),
        ]),

        new("PATCH /api/v1/conversations/{id}/settings", true, (w, _) => OnEach(w, id =>
            [new(s_patch, $"{Conversations}/{id}/settings", new ConversationSettingsRequest(Muted: true, Pinned: true, Archived: true), NotFound)])),

        // Blocking acts on the caller's own block list: blocking a victim is allowed (it is what blocking is for) and reveals nothing.
        new("PUT /api/v1/users/{id}/block", true, (w, _) => [new(HttpMethod.Put, $"/api/v1/users/{w.Owner.Id}/block", null, null)]),
        new("DELETE /api/v1/users/{id}/block", true, (w, _) => [new(s_delete, $"/api/v1/users/{w.Owner.Id}/block", null, null)]),
        new("GET /api/v1/users/me/blocks", true, (_, _) => [new(s_get, "/api/v1/users/me/blocks", null, null)]),

        // Outside the conversation model.
        new("GET /api/v1/diagnostics", false, (_, _) => [new(s_get, "/api/v1/diagnostics?collect=true", null, null)]),
        new("GET /.well-known/jwks.json", false, (_, _) => [new(s_get, "/.well-known/jwks.json", null, null)]),

        // The server API takes API keys, and access tokens of admins only (the console's scopes): a signed-in non-admin
        // is refused (403 insufficient_scope) before anything else.
        // RequiresAuth is false because no *user* token is needed; without a key it answers 401 invalid_api_key (ServerApiAuthTests).
        new("POST /api/v1/server/users", false, (_, a) => [new(s_post, "/api/v1/server/users", new ServerCreateUserRequest($"{a.Username}-srv", null), ServerOnly)]),
        new("GET /api/v1/server/users/{id}", false, (w, _) => [new(s_get, $"{Server}/users/{w.Owner.Id}", null, ServerOnly)]),
        new("PATCH /api/v1/server/users/{id}", false, (w, _) => [new(s_patch, $"{Server}/users/{w.Owner.Id}", new ServerUpdateUserRequest("taken over"), ServerOnly)]),
        new("GET /api/v1/server/users/by-external-id/{externalId}", false, (_, _) => [new(s_get, $"{Server}/users/by-external-id/victim", null, ServerOnly)]),
        new("POST /api/v1/server/users/{id}/disable", false, (w, _) => [new(s_post, $"{Server}/users/{w.Owner.Id}/disable", null, ServerOnly)]),
        new("POST /api/v1/server/users/{id}/enable", false, (w, _) => [new(s_post, $"{Server}/users/{w.Owner.Id}/enable", null, ServerOnly)]),
        new("POST /api/v1/server/users/{id}/tokens", false, (w, _) => [new(s_post, $"{Server}/users/{w.Owner.Id}/tokens", new MintTokenRequest(), ServerOnly)]),
        new("POST /api/v1/server/users/{id}/sign-out", false, (w, _) => [new(s_post, $"{Server}/users/{w.Owner.Id}/sign-out", null, ServerOnly)]),
        new("POST /api/v1/server/api-keys", false, (_, _) => [new(s_post, $"{Server}/api-keys", new CreateApiKeyRequest("mine", ["users:read"]), ServerOnly)]),
        new("GET /api/v1/server/api-keys", false, (_, _) => [new(s_get, $"{Server}/api-keys", null, ServerOnly)]),
        new("DELETE /api/v1/server/api-keys/{id}", false, (_, _) => [new(s_delete, $"{Server}/api-keys/0123456789abcdef0123456789abcdef", null, ServerOnly)]),
        new("POST /api/v1/server/webhooks", false, (_, _) => [new(s_post, $"{Server}/webhooks", new CreateWebhookEndpointRequest("http://127.0.0.1:9/mine", ["message.created"]), ServerOnly)]),
        new("GET /api/v1/server/webhooks", false, (_, _) => [new(s_get, $"{Server}/webhooks", null, ServerOnly)]),
        new("GET /api/v1/server/webhooks/{id}", false, (_, _) => [new(s_get, $"{Server}/webhooks/we_0123456789abcdef0123456789abcdef", null, ServerOnly)]),
        new("PATCH /api/v1/server/webhooks/{id}", false, (_, _) => [new(s_patch, $"{Server}/webhooks/we_0123456789abcdef0123456789abcdef", new UpdateWebhookEndpointRequest(Enabled: false), ServerOnly)]),
        new("DELETE /api/v1/server/webhooks/{id}", false, (_, _) => [new(s_delete, $"{Server}/webhooks/we_0123456789abcdef0123456789abcdef", null, ServerOnly)]),
        new("POST /api/v1/server/webhooks/{id}/roll-secret", false, (_, _) => [new(s_post, $"{Server}/webhooks/we_0123456789abcdef0123456789abcdef/roll-secret", null, ServerOnly)]),
        new("GET /api/v1/server/webhooks/{id}/deliveries", false, (_, _) => [new(s_get, $"{Server}/webhooks/we_0123456789abcdef0123456789abcdef/deliveries", null, ServerOnly)]),
        new("POST /api/v1/server/webhooks/{id}/deliveries/{deliveryId}/retry", false, (_, _) => [new(s_post, $"{Server}/webhooks/we_0123456789abcdef0123456789abcdef/deliveries/dlv_0123456789abcdef0123456789abcdef/retry", null, ServerOnly)]),
        // A signed-in user cannot act for another through the server API: creating, reading, joining or speaking as the victim.
        new("POST /api/v1/server/conversations", false, (w, a) =>
            [new(s_post, $"{Server}/conversations", new ServerCreateConversationRequest("group", w.Owner.Id, [a.Id], Title: "mine"), ServerOnly)]),
        new("GET /api/v1/server/conversations/{id}", false, (w, _) => OnEach(w, id => [new(s_get, $"{Server}/conversations/{id}", null, ServerOnly)])),
        new("POST /api/v1/server/conversations/{id}/members", false, (w, a) =>
            OnEach(w, id => [new(s_post, $"{Server}/conversations/{id}/members", new ServerAddMembersRequest([a.Id]), ServerOnly)])),
        new("DELETE /api/v1/server/conversations/{id}/members/{userId}", false, (w, _) =>
            OnEach(w, id => [new(s_delete, $"{Server}/conversations/{id}/members/{w.Owner.Id}", null, ServerOnly)])),
        new("POST /api/v1/server/conversations/{id}/messages", false, (w, _) =>
            OnEach(w, id => [new(s_post, $"{Server}/conversations/{id}/messages", new ServerSendMessageRequest(w.Owner.Id, "spoof-1", "I did not write this"), ServerOnly)])),
        new("GET /api/v1/server/conversations/{id}/messages", false, (w, _) => OnEach(w, id => [new(s_get, $"{Server}/conversations/{id}/messages", null, ServerOnly)])),
        // Nor find users, read or end another's sessions, rotate the signing keys or read the statistics.
        new("GET /api/v1/server/users", false, (_, _) => [new(s_get, $"{Server}/users?query=a", null, ServerOnly)]),
        new("GET /api/v1/server/users/{id}/sessions", false, (w, _) => [new(s_get, $"{Server}/users/{w.Owner.Id}/sessions", null, ServerOnly)]),
        new("DELETE /api/v1/server/users/{id}/sessions/{sessionId}", false, (w, _) =>
            [new(s_delete, $"{Server}/users/{w.Owner.Id}/sessions/0123456789abcdef0123456789abcdef", null, ServerOnly)]),
        new("GET /api/v1/server/signing-keys", false, (_, _) => [new(s_get, $"{Server}/signing-keys", null, ServerOnly)]),
        new("POST /api/v1/server/signing-keys/rotate", false, (_, _) => [new(s_post, $"{Server}/signing-keys/rotate", null, ServerOnly)]),
        new("GET /api/v1/server/stats", false, (_, _) => [new(s_get, $"{Server}/stats", null, ServerOnly)]),
        // The admin console's own: a non-admin can neither make themselves an admin nor find the victims' conversations.
        new("PUT /api/v1/server/users/{id}/admin", false, (_, a) => [new(HttpMethod.Put, $"{Server}/users/{a.Id}/admin", new SetAdminRequest(true), ServerOnly)]),
        new("GET /api/v1/server/conversations", false, (w, _) => [new(s_get, $"{Server}/conversations?query={w.Group.Id}", null, ServerOnly)]),
    ];

    private const string Server = "/api/v1/server";

    /// <summary>A signed-in non-admin on the server API: authenticated, with no scope.</summary>
    private static ErrorCode ServerOnly => ErrorCode.InsufficientScope;

    private static ErrorCode NotFound => ErrorCode.ConversationNotFound;

    private static string VictimMessage(VictimWorld world, string conversationId) =>
        $"{Conversations}/{conversationId}/messages/{world.Messages.First(m => m.ConversationId == conversationId).Id}";

    private static IEnumerable<Attempt> OnEach(VictimWorld world, Func<string, IEnumerable<Attempt>> attempts) =>
        world.Conversations.SelectMany(c => attempts(c.Id));
}
