using System.Text.Json;
using System.Text.RegularExpressions;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// Every client op of docs/protocol.md ("Client to server"; an op without a row in <see cref="Attempts"/> fails the
/// test) tried by a signed-in non-member against the victims' group and direct conversation: each refused with its
/// documented error, no reply holds a victim marker, and the victims' open sockets receive nothing at all. Full sizes
/// already: every op, both conversation kinds; runs in seconds.
/// </summary>
public sealed partial class SocketAuthorizationTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    /// <summary>A frame and the answer it must get: an error code, or <c>pong</c> for the one op that targets nothing.</summary>
    private sealed record SocketAttempt(Dictionary<string, object> Frame, string Expected);

    private static int s_ids;

    [Fact]
    public async Task EveryOp_NonMember_RefusedAndVictimSocketsHearNothing()
    {
        _ = factory.BaseUri;
        var world = await VictimWorld.SeedAsync(factory, seed: 7);
        var ops = DocumentedOps();
        var attacker = await factory.RegisterAsync();
        await using var socket = await factory.OpenAsync(attacker);
        await using var owner = await factory.OpenAsync(world.Owner);
        await using var member = await factory.OpenAsync(world.Member);
        await using var hidden = await factory.OpenAsync(world.Hidden);
        await GatewayHelpers.SettleAsync(socket, owner, member, hidden);
        var (tried, allowed, leaked) = (0, 0, 0);
        var failures = new List<string>();

        foreach (var op in ops)
        {
            foreach (var attempt in Attempts(op, world))
            {
                tried++;
                var sent = JsonSerializer.Serialize(attempt.Frame);
                await socket.SendTextAsync(sent);
                // Read and typing succeed silently, so the barrier (not a wait for a reply) shows what the frame caused.
                var replies = await socket.DrainAsync();
                var id = (string)attempt.Frame["id"];
                var refused = replies.Count == 1 && replies[0].Str("re") == id
                    && (replies[0].Op() == "error" ? replies[0].Str("code") : replies[0].Op()) == attempt.Expected;
                if (!refused)
                {
                    allowed += attempt.Expected == "pong" ? 0 : 1;
                    failures.Add($"{sent}: expected only {attempt.Expected} re {id}, got [{string.Join(", ", replies.Select(r => r.GetRawText()))}]");
                }

                foreach (var reply in replies)
                {
                    if (world.LeaksIn(reply.GetRawText(), sent) is { Count: > 0 } leaks)
                    {
                        leaked++;
                        failures.Add($"{sent}: leaked {string.Join(", ", leaks)} in {reply.GetRawText()}");
                    }
                }
            }
        }

        // Read, typing and send fan out to members synchronously with the frame's handling; the barrier proves none did.
        var victimFrames = 0;
        foreach (var victim in new[] { owner, member, hidden })
        {
            var heard = await victim.DrainAsync();
            victimFrames += heard.Count;
            failures.AddRange(heard.Select(frame => $"a victim's socket received {frame.GetRawText()}"));
        }

        Figures.Print($"authz-socket: ops={ops.Count} tried={tried} allowed={allowed} leaked={leaked} victim_frames={victimFrames}");
        Assert.Empty(failures);
        Assert.Equal((0, 0, 0), (allowed, leaked, victimFrames));
        await world.AssertUntouchedAsync();
    }

    /// <summary>
    /// How each op is attacked. The token ops carry the victim's own access token: the socket must stay the attacker's,
    /// which the sync after each proves (under the victim's identity it would answer <c>synced</c>).
    /// </summary>
    private static IEnumerable<SocketAttempt> Attempts(string op, VictimWorld world)
    {
        var conversations = world.Conversations.Select(c => c.Id).ToList();
        IEnumerable<SocketAttempt> Probe() => conversations.Select(c => Attempt("sync", "conversation_not_found", ("conversationId", c), ("afterSeq", 0)));
        return op switch
        {
            "auth" => [Attempt("auth", "malformed_request", ("token", world.Owner.Tokens.AccessToken)), .. Probe()],
            "refresh" => [Attempt("refresh", "invalid_token", ("token", world.Owner.Tokens.AccessToken)), .. Probe()],
            "send" => conversations.SelectMany(c => new[]
            {
                Attempt("send", "conversation_not_found", ("conversationId", c), ("clientMsgId", "attacker-1"), ("text", "let me in")),
                // A victim's clientMsgId: an idempotent resend must not hand back the original.
                Attempt("send", "conversation_not_found", ("conversationId", c), ("clientMsgId", world.Messages.First(m => m.ConversationId == c).ClientMsgId), ("text", "x")),
            }),
            "sync" => conversations.Select(c => Attempt("sync", "conversation_not_found", ("conversationId", c), ("afterSeq", 0), ("limit", 300))),
            "read" => conversations.Select(c => Attempt("read", "conversation_not_found", ("conversationId", c), ("seq", 1))),
            "typing" => conversations.Select(c => Attempt("typing", "conversation_not_found", ("conversationId", c))),
            // Targets nothing; a conversation id riding along must not make it reach anyone.
            "ping" => [Attempt("ping", "pong", ("conversationId", conversations[0]))],
            _ => throw new InvalidOperationException($"docs/protocol.md lists op '{op}' that SocketAuthorizationTests does not attack: add it to Attempts."),
        };
    }

    private static SocketAttempt Attempt(string op, string expected, params (string Name, object Value)[] fields)
    {
        var frame = new Dictionary<string, object> { ["op"] = op, ["id"] = $"authz-{Interlocked.Increment(ref s_ids)}" };
        foreach (var (name, value) in fields)
            frame[name] = value;
        return new SocketAttempt(frame, expected);
    }

    /// <summary>The ops of the "Client to server" table in docs/protocol.md: the documented surface, not the code's.</summary>
    private static List<string> DocumentedOps()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "protocol.md"));
        var section = doc[doc.IndexOf("### Client to server", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n\n", StringComparison.Ordinal)];
        var ops = OpRow().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.True(ops.Count >= 7, $"Expected the op table in docs/protocol.md, found {string.Join(", ", ops)}");
        return ops;
    }

    [GeneratedRegex(@"^\| `([a-z]+)` \|", RegexOptions.Multiline)]
    private static partial Regex OpRow();
}
