using System.Net;
using System.Text;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// Every documented REST input limit (docs/protocol.md) tried at its edge N, which must be accepted, and at N + 1,
/// which must be refused: an off-by-one on either side fails the test, which lists the cases it checked.
/// </summary>
public sealed class LimitBoundaryTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private const string Password = "limits are documented";

    [Fact]
    public async Task EveryDocumentedLimit_AcceptedAtNRefusedAtNPlusOne()
    {
        var owner = await factory.RegisterAsync();
        var peer = await factory.RegisterAsync();
        var direct = await (await owner.CreateDirectAsync(peer.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var unique = 0;
        string Name(int length) => $"l{Interlocked.Increment(ref unique):D3}".PadRight(length, 'x')[..length];
        string Text(int length) => new('a', length);

        // name, limit, the request at a given size, and the status that means "refused".
        var cases = new (string Name, int Limit, Func<int, Task<HttpResponseMessage>> Send, HttpStatusCode Refused)[]
        {
            ("username.max", 32, n => Register(Name(n), Password), HttpStatusCode.BadRequest),
            ("username.min", 3, n => Register(Name(n), Password), HttpStatusCode.BadRequest),
            ("password.min", 8, n => Register(Name(12), PasswordOf(n)), HttpStatusCode.BadRequest),
            ("password.max", 128, n => Register(Name(12), PasswordOf(n)), HttpStatusCode.BadRequest),
            ("displayName.max", 64, n => Register(Name(12), Password, Text(n)), HttpStatusCode.BadRequest),
            ("deviceName.max", 64, n => factory.CreateClient().PostJsonAsync("/api/v1/auth/login", new LoginRequest(owner.Username, owner.Password, Text(n))), HttpStatusCode.BadRequest),
            ("group.title.max", 100, n => owner.PostJsonAsync("/api/v1/conversations", new CreateConversationRequest("group", Title: Text(n))), HttpStatusCode.BadRequest),
            ("message.clientMsgId.max", 64, n => owner.SendAsync(direct.Id, "hello", Name(n)), HttpStatusCode.BadRequest),
            ("message.text.max", 4000, n => owner.SendAsync(direct.Id, Text(n), Name(20)), HttpStatusCode.BadRequest),
            ("history.limit.max", 100, n => owner.GetAsync($"/api/v1/conversations/{direct.Id}/messages?limit={n}"), HttpStatusCode.BadRequest),
            ("users.search.limit.max", 50, n => owner.GetAsync($"/api/v1/users?query=l&limit={n}"), HttpStatusCode.BadRequest),
            ("users.search.query.max", 32, n => owner.GetAsync($"/api/v1/users?query={Text(n)}"), HttpStatusCode.BadRequest),
            ("messages.search.limit.max", 50, n => owner.GetAsync($"/api/v1/search/messages?q=l&limit={n}"), HttpStatusCode.BadRequest),
            ("messages.search.q.max", 100, n => owner.GetAsync($"/api/v1/search/messages?q={Text(n)}"), HttpStatusCode.BadRequest),
            ("body.bytes.max", 64 * 1024, n => owner.PostRawAsync("/api/v1/conversations", JsonOfSize(n)), HttpStatusCode.RequestEntityTooLarge),
        };

        var failures = new List<string>();
        foreach (var (name, limit, send, refused) in cases)
        {
            // For a minimum the step outward is downward.
            var beyond = name.EndsWith(".min", StringComparison.Ordinal) ? limit - 1 : limit + 1;
            using var atLimit = await send(limit);
            using var overLimit = await send(beyond);
            if (atLimit.StatusCode == refused || (int)atLimit.StatusCode >= 500)
                failures.Add($"{name}: {limit} was refused ({(int)atLimit.StatusCode})");
            if (overLimit.StatusCode != refused)
                failures.Add($"{name}: {beyond} got {(int)overLimit.StatusCode}, not {(int)refused}");
        }

        Figures.Print($"limits-rest: checked={cases.Length} off_by_one={failures.Count}");
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    private Task<HttpResponseMessage> Register(string username, string password, string? displayName = null) =>
        factory.CreateClient().PostJsonAsync("/api/v1/auth/register", new RegisterRequest(username, password, displayName));

    // Not a common password at any length: a fixed phrase cut or stretched.
    private static string PasswordOf(int length) => string.Concat(Enumerable.Repeat("q7!Zw", 30))[..length];

    /// <summary>A valid group-creation body of exactly <paramref name="bytes"/> bytes of UTF-8 (padded with white space).</summary>
    private static string JsonOfSize(int bytes)
    {
        var json = """{"type":"group","title":"padded"}""";
        return new StringBuilder(json.Length + bytes).Append(json[..^1]).Append(' ', bytes - Encoding.UTF8.GetByteCount(json)).Append('}').ToString();
    }
}
