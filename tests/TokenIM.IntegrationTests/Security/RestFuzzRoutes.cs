using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.ServerApi;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using static TokenIM.IntegrationTests.Security.FuzzValues;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// What a REST fuzz case runs against: a fuzzer who owns a group with a peer and shares a direct conversation with
/// it, signed in on a second device, with a client that keeps no cookies (so a cookie-mode sign-in cannot lend a later
/// case its refresh cookie).
/// </summary>
internal sealed class FuzzWorld
{
    private int _unique;

    private FuzzWorld(TestUser fuzzer, TestUser peer, string groupId, string directId, string otherSessionId, HttpClient client, ServerSide server)
    {
        (Fuzzer, Peer, GroupId, DirectId, OtherSessionId, Client, Server) = (fuzzer, peer, groupId, directId, otherSessionId, client, server);
    }

    /// <summary>What the server API's cases run with: a key of every scope, a user of the app's own and a key to revoke.</summary>
    internal sealed record ServerSide(string ApiKey, string UserId, string SpareKeyId);

    public TestUser Fuzzer { get; }

    public TestUser Peer { get; }

    public string GroupId { get; }

    public string DirectId { get; }

    public string OtherSessionId { get; }

    public HttpClient Client { get; }

    public ServerSide Server { get; }

    /// <summary>A value unique within the run, for usernames and clientMsgIds.</summary>
    public string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref _unique)}";

    public static async Task<FuzzWorld> CreateAsync(LiveTokenImFactory factory)
    {
        var fuzzer = await factory.RegisterAsync(factory.NextUsername("fuzz"));
        var peer = await factory.RegisterAsync(factory.NextUsername("peer"));
        var group = await fuzzer.CreateGroupAsync("fuzz group", peer);
        var direct = await (await fuzzer.CreateDirectAsync(peer.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var other = await factory.LoginAsync(fuzzer, "fuzz-other-device");
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = factory.BaseUri });
        client.DefaultRequestHeaders.Authorization = new("Bearer", fuzzer.Tokens.AccessToken);
        using var server = await factory.ServerClientAsync();
        var appUser = await server.CreateUserAsync(factory, externalId: $"fuzz-{Guid.NewGuid():N}");
        var spare = await server.CreateApiKeyAsync("fuzz spare", [ServerScopes.UsersRead]);
        var side = new ServerSide(await factory.CreateKeyAsync([.. ServerScopes.All]), appUser.Id, spare.Key.Id);
        return new FuzzWorld(fuzzer, peer, group.Id, direct.Id, other.Tokens.SessionId, client, side);
    }
}

/// <summary>A route's JSON body: its fields and how to make a valid one in a world.</summary>
internal sealed record BodyRoute(IReadOnlyList<FuzzField> Fields, Func<FuzzWorld, TokenImFactory, Task<IReadOnlyList<JsonMember>>> Valid);

/// <summary>
/// The REST routes' inputs for the message fuzzer, keyed like the OpenAPI document (<c>METHOD /path/{param}</c>). A
/// route of the document with a request body but no entry in <see cref="Bodies"/>, or a query parameter without an
/// entry in <see cref="Query"/>, fails the test: add them when adding the route.
/// </summary>
internal static class RestFuzzRoutes
{
    private const string Strong = "fuzzing is a fine passphrase";

    public static IReadOnlyDictionary<string, BodyRoute> Bodies { get; } = new Dictionary<string, BodyRoute>
    {
        ["POST /api/v1/auth/register"] = new(
            [
                new("username", JsonKind.String, Required: true, Check: Username),
                new("password", JsonKind.String, Required: true, Check: Password),
                new("displayName", JsonKind.String, Check: Name(64, required: false)),
                new("deviceName", JsonKind.String, Check: Name(64, required: false)),
                new("refreshTokenCookie", JsonKind.Boolean),
            ],
            (w, _) => Members(("username", Literal(w.Unique("reg"))), ("password", Literal(Strong)), ("displayName", Literal("Fuzz")))),
        ["POST /api/v1/auth/login"] = new(
            [
                new("username", JsonKind.String, Required: true, Check: NoSuchThing),
                new("password", JsonKind.String, Required: true, Check: NoSuchThing),
                new("deviceName", JsonKind.String, Check: Name(64, required: false)),
                new("refreshTokenCookie", JsonKind.Boolean),
            ],
            (w, _) => Members(("username", Literal(w.Fuzzer.Username)), ("password", Literal(w.Fuzzer.Password)), ("deviceName", Literal("fuzz")))),
        // A fresh session each case: a successful refresh spends the token, and a replay of it would revoke the session.
        ["POST /api/v1/auth/refresh"] = new(
            [new("refreshToken", JsonKind.String, Check: NoSuchThing)],
            async (w, f) => await Members(("refreshToken", Literal((await f.LoginAsync(w.Fuzzer, "fuzz-refresh")).Tokens.RefreshToken)))),
        ["POST /api/v1/auth/password"] = new(
            [
                new("currentPassword", JsonKind.String, Required: true, Check: NoSuchThing),
                new("newPassword", JsonKind.String, Required: true, Check: Password),
            ],
            (w, _) => Members(("currentPassword", Literal(w.Fuzzer.Password)), ("newPassword", Literal(Strong + w.Unique(" "))))),
        ["PATCH /api/v1/users/me"] = new(
            [new("displayName", JsonKind.String, Required: true, Check: Name(64, required: true))],
            (_, _) => Members(("displayName", Literal("Fuzzy")))),
        ["POST /api/v1/conversations"] = new(
            [
                new("type", JsonKind.String, Required: true, Check: NoSuchThing),
                new("title", JsonKind.String, Required: true, Check: Name(100, required: true)),
                new("memberIds", JsonKind.StringArray, Check: NoSuchThing),
                new("peerId", JsonKind.String),
            ],
            (w, _) => Members(("type", Literal(ConversationTypes.Group)), ("title", Literal("fuzzed")), ("memberIds", $"[{Literal(w.Peer.Id)}]"))),
        ["PATCH /api/v1/conversations/{id}"] = new(
            [new("title", JsonKind.String, Required: true, Check: Name(100, required: true))],
            (_, _) => Members(("title", Literal("renamed")))),
        ["POST /api/v1/conversations/{id}/members"] = new(
            [new("userIds", JsonKind.StringArray, Required: true, Check: NoSuchThing)],
            (w, _) => Members(("userIds", $"[{Literal(w.Peer.Id)}]"))),
        ["PATCH /api/v1/conversations/{id}/members/{userId}"] = new(
            [new("role", JsonKind.String, Required: true, Check: NoSuchThing)],
            (_, _) => Members(("role", Literal(MemberRoles.Admin)))),
        ["POST /api/v1/conversations/{id}/messages"] = new(
            [
                new("clientMsgId", JsonKind.String, Required: true, Check: ClientMsgId),
                new("text", JsonKind.String, Required: true, Check: Text),
            ],
            (w, _) => Members(("clientMsgId", Literal(w.Unique("fuzz-"))), ("text", Literal("fuzz base text")))),
        ["POST /api/v1/server/users"] = new(
            [
                new("username", JsonKind.String, Required: true, Check: Username),
                new("displayName", JsonKind.String, Check: Name(64, required: false)),
                new("externalId", JsonKind.String),
                new("password", JsonKind.String),
                new("isBot", JsonKind.Boolean),
            ],
            (w, _) => Members(("username", Literal(w.Unique("app"))), ("displayName", Literal("App user")))),
        ["PATCH /api/v1/server/users/{id}"] = new(
            [new("displayName", JsonKind.String), new("externalId", JsonKind.String)],
            (_, _) => Members(("displayName", Literal("Renamed by the app")))),
        ["POST /api/v1/server/users/{id}/tokens"] = new(
            [new("deviceName", JsonKind.String, Check: Name(64, required: false))],
            (_, _) => Members(("deviceName", Literal("fuzz backend")))),
        ["POST /api/v1/server/api-keys"] = new(
            [new("name", JsonKind.String, Required: true), new("scopes", JsonKind.StringArray, Required: true)],
            (_, _) => Members(("name", Literal("fuzzed key")), ("scopes", $"[{Literal(ServerScopes.UsersRead)}]"))),
        ["POST /api/v1/server/webhooks"] = new(
            [
                new("url", JsonKind.String, Required: true, Check: WebhookUrl),
                new("events", JsonKind.StringArray, Required: true, Check: NoSuchThing),
                new("description", JsonKind.String),
            ],
            (_, _) => Members(("url", Literal("http://127.0.0.1:9/fuzz")), ("events", $"[{Literal("user.created")}]"))),
        ["PATCH /api/v1/server/webhooks/{id}"] = new(
            [
                new("url", JsonKind.String, Check: WebhookUrl),
                new("events", JsonKind.StringArray, Check: NoSuchThing),
                new("enabled", JsonKind.Boolean),
                new("description", JsonKind.String),
            ],
            (_, _) => Members(("enabled", "false"))),
        ["POST /api/v1/server/conversations"] = new(
            [
                new("type", JsonKind.String, Required: true, Check: NoSuchThing),
                new("creatorId", JsonKind.String, Required: true, Check: NoSuchThing),
                new("title", JsonKind.String, Required: true, Check: Name(100, required: true)),
                new("memberIds", JsonKind.StringArray, Check: NoSuchThing),
                new("peerId", JsonKind.String),
            ],
            (w, _) => Members(
                ("type", Literal(ConversationTypes.Group)), ("creatorId", Literal(w.Fuzzer.Id)), ("title", Literal("fuzzed by the app")),
                ("memberIds", $"[{Literal(w.Peer.Id)}]"))),
        ["POST /api/v1/server/conversations/{id}/members"] = new(
            [new("userIds", JsonKind.StringArray, Required: true, Check: NoSuchThing), new("actorId", JsonKind.String, Check: NoSuchThing)],
            (w, _) => Members(("userIds", $"[{Literal(w.Peer.Id)}]"))),
        ["POST /api/v1/server/conversations/{id}/messages"] = new(
            [
                new("senderId", JsonKind.String, Required: true, Check: NoSuchThing),
                new("clientMsgId", JsonKind.String, Required: true, Check: ClientMsgId),
                new("text", JsonKind.String, Required: true, Check: Text),
            ],
            (w, _) => Members(("senderId", Literal(w.Fuzzer.Id)), ("clientMsgId", Literal(w.Unique("app-fuzz-"))), ("text", Literal("fuzz text from the app")))),
        ["PUT /api/v1/server/users/{id}/admin"] = new(
            [new("admin", JsonKind.Boolean, Required: true)],
            (_, _) => Members(("admin", "false"))),
        ["PATCH /api/v1/conversations/{id}/messages/{messageId}"] = new(
            [new("text", JsonKind.String, Required: true, Check: Text)],
            (_, _) => Members(("text", Literal("fuzz edited text")))),
        ["PATCH /api/v1/conversations/{id}/settings"] = new(
            [new("muted", JsonKind.Boolean), new("pinned", JsonKind.Boolean), new("archived", JsonKind.Boolean)],
            (_, _) => Members(("muted", "true"), ("pinned", "false"))),
        ["POST /api/v1/conversations/{id}/read"] = new(
            [new("seq", JsonKind.Integer, Required: true, CheckNumber: n => n is < 0 or > 1_000_000 ? false : null)],
            (_, _) => Members(("seq", "0"))),
    };

    /// <summary>The rule for each query parameter (route, then name): false when the value must be refused.</summary>
    public static IReadOnlyDictionary<string, Func<string, bool?>> Query { get; } = new Dictionary<string, Func<string, bool?>>
    {
        ["GET /api/v1/users query"] = q => q.Length == 0 ? null : SearchQuery(q),
        ["GET /api/v1/users limit"] = Integer(1, 50),
        ["GET /api/v1/conversations/{id}/messages afterSeq"] = Integer(0, long.MaxValue),
        ["GET /api/v1/conversations/{id}/messages beforeSeq"] = Integer(0, long.MaxValue),
        ["GET /api/v1/conversations/{id}/messages limit"] = Integer(1, 100),
        ["GET /api/v1/conversations/{id}/changes afterChangeSeq"] = Integer(0, long.MaxValue),
        ["GET /api/v1/conversations/{id}/changes limit"] = Integer(1, 100),
        ["GET /api/v1/server/webhooks/{id}/deliveries state"] = v => v.Length == 0 || v is "pending" or "delivered" or "dead" ? null : false,
        ["GET /api/v1/server/webhooks/{id}/deliveries limit"] = Integer(1, 100),
        ["GET /api/v1/server/webhooks/{id}/deliveries cursor"] = _ => null,
        ["GET /api/v1/server/conversations/{id}/messages afterSeq"] = Integer(0, long.MaxValue),
        ["GET /api/v1/server/conversations/{id}/messages beforeSeq"] = Integer(0, long.MaxValue),
        ["GET /api/v1/server/conversations/{id}/messages limit"] = Integer(1, 100),
        ["GET /api/v1/search/messages q"] = SearchText,
        ["GET /api/v1/search/messages limit"] = Integer(1, 50),
        ["GET /api/v1/search/messages cursor"] = _ => null,
        ["GET /api/v1/search/messages conversationId"] = _ => null,
        ["GET /api/v1/diagnostics collect"] = b => b.Length == 0 || bool.TryParse(b, out _) ? null : false,
        ["GET /api/v1/server/users query"] = q => q.Trim().Length > 128 ? false : null,
        ["GET /api/v1/server/users limit"] = Integer(1, 100),
        ["GET /api/v1/server/users cursor"] = c => c.Length == 0 ? null : UserCursor(c),
        ["GET /api/v1/server/conversations query"] = q => q.Trim().Length > 128 ? false : null,
        ["GET /api/v1/server/conversations limit"] = Integer(1, 100),
        ["POST /api/v1/conversations/{id}/attachments name"] = n => TokenIM.Server.Chat.AttachmentService.CleanName(n) is null ? false : null,
        ["GET /api/v1/conversations/{id}/attachments/{attachmentId}/link variant"] = v => v is "" or "thumbnail" ? null : false,
        // No case carries a valid signature, so every download is refused.
        ["GET /api/v1/files/{attachmentId} variant"] = _ => false,
        ["GET /api/v1/files/{attachmentId} exp"] = _ => false,
        ["GET /api/v1/files/{attachmentId} sig"] = _ => false,
    };

    /// <summary>
    /// Routes whose body is a file's raw bytes, not JSON: any bytes and any media type are a valid upload, so their
    /// cases send arbitrary bytes and are never required to be refused for them.
    /// </summary>
    public static IReadOnlySet<string> RawBodies { get; } = new HashSet<string> { "POST /api/v1/conversations/{id}/attachments" };

    /// <summary>Query values every case of a route carries unless it fuzzes them, so the other parameters are judged on their own.</summary>
    public static IReadOnlyDictionary<string, string> BaseQuery { get; } = new Dictionary<string, string>
    {
        ["GET /api/v1/users"] = "query=peer",
        ["GET /api/v1/search/messages"] = "q=fuzz",
        ["POST /api/v1/conversations/{id}/attachments"] = "name=fuzz.bin",
    };

    /// <summary>
    /// Routes that end or change the caller's own session or password: each case gets a world of its own, so a case
    /// that succeeds does not sign the next one out.
    /// </summary>
    public static IReadOnlySet<string> SpendsTheWorld { get; } = new HashSet<string>
    {
        "POST /api/v1/auth/logout", "POST /api/v1/auth/password", "DELETE /api/v1/auth/sessions/{id}",
        "DELETE /api/v1/conversations/{id}/members/{userId}", "PATCH /api/v1/conversations/{id}/members/{userId}",
        "DELETE /api/v1/server/conversations/{id}/members/{userId}",
    };

    /// <summary>The valid value of a path parameter: the world's own group, peer or second session.</summary>
    public static string PathValue(string route, string parameter, FuzzWorld world) => (route, parameter) switch
    {
        ("DELETE /api/v1/auth/sessions/{id}", "id") => world.OtherSessionId,
        ("GET /api/v1/users/{id}", "id") => world.Peer.Id,
        ("PUT /api/v1/users/{id}/block", "id") or ("DELETE /api/v1/users/{id}/block", "id") => world.Peer.Id,
        ("DELETE /api/v1/server/api-keys/{id}", "id") => world.Server.SpareKeyId,
        (_, "sessionId") => "no-such-session",
        (_, "externalId") => "no-such-external-id",
        (_, "deliveryId") => "dlv_no-such-delivery",
        // No message in the fuzz world: a valid id of none, answered 404 message_not_found after the other checks.
        (_, "messageId") => "no-such-message",
        (_, "emoji") => "👍",
        _ when route.Contains(" /api/v1/server/conversations/", StringComparison.Ordinal) => parameter == "userId" ? world.Peer.Id : world.GroupId,
        _ when route.Contains(" /api/v1/server/", StringComparison.Ordinal) => world.Server.UserId,
        (_, "userId") => world.Peer.Id,
        (_, "attachmentId") => "0123456789abcdef0123456789abcdef",
        (_, "id") => world.GroupId,
        _ => throw new InvalidOperationException($"No value for the path parameter {parameter} of {route}: add one to RestFuzzRoutes.PathValue."),
    };

    /// <summary>Not an absolute http(s) URL: refused. (A valid one may still be refused for other reasons.)</summary>
    private static bool? WebhookUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? null : false;
    // A cursor the server gave out: base64url of a username (1–64 characters, no control characters).
    private static bool? UserCursor(string cursor)
    {
        if (cursor.Length > 128 || !System.Buffers.Text.Base64Url.IsValid(cursor))
            return false;
        try
        {
            var username = new UTF8Encoding(false, true).GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor));
            return username.Length is > 0 and <= 64 && !username.Any(char.IsControl) ? null : false;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return false;
        }
    }

    // 1–100 characters after trimming, no control characters (an empty value is no q at all: refused too).
    private static bool? SearchText(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Any(char.IsSurrogate))
            return null; // how a lone surrogate survives the query string's decoding is not this rule's business
        return trimmed.Length is >= 1 and <= 100 && !trimmed.Any(char.IsControl) ? null : false;
    }

    private static Func<string, bool?> Integer(long min, long max) => value =>
        value.Length == 0 ? null
        : long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? (n < min || n > max ? false : null)
        : false;

    private static Task<IReadOnlyList<JsonMember>> Members(params (string Name, string Raw)[] members) =>
        Task.FromResult<IReadOnlyList<JsonMember>>([.. members.Select(m => new JsonMember(m.Name, m.Raw))]);
}
