using System.Runtime.CompilerServices;
using TokenIM.Protocol.Ws;
using static TokenIM.IntegrationTests.Security.FuzzValues;

namespace TokenIM.IntegrationTests.Security;

/// <summary>What a socket fuzz frame is made from: the conversation it names, the socket's own token, and a counter.</summary>
internal sealed record SocketFuzzContext(string ConversationId, string AccessToken, Func<string, string> Unique);

/// <summary>
/// A client op of the socket protocol: its fields, a valid frame, and whether the server refuses even the valid frame
/// (<c>auth</c> after <c>ready</c>). <see cref="FirstFrame"/> marks the unauthenticated first-frame <c>auth</c>, which
/// runs on a connection of its own.
/// </summary>
internal sealed record SocketOp(string Op, IReadOnlyList<FuzzField> Fields, Func<SocketFuzzContext, IReadOnlyList<JsonMember>> Valid, bool AlwaysRefused = false, bool FirstFrame = false);

/// <summary>
/// Every client op of <c>tokenim.v1</c> with its fields as docs/protocol.md gives them. <see cref="ProtocolOps"/> reads
/// the client frame records of TokenIM.Protocol, so an op added there without an entry here fails the socket fuzzer.
/// </summary>
internal static class SocketFuzzOps
{
    private static readonly FuzzField s_op = new("op", JsonKind.String, Required: true, Check: NoSuchThing);
    private static readonly FuzzField s_id = new("id", JsonKind.String, Check: id => id.Length <= 64 && !HasLoneSurrogate(id) ? null : false);
    private static readonly FuzzField s_conversation = new("conversationId", JsonKind.String, Required: true, Check: NoSuchThing);

    public static IReadOnlyList<SocketOp> All { get; } =
    [
        new(Ops.Send, [s_op, s_id, s_conversation, new("clientMsgId", JsonKind.String, Required: true, Check: ClientMsgId), new("text", JsonKind.String, Required: true, Check: Text)],
            c => Frame(Ops.Send, ("id", c.Unique("s")), ("conversationId", c.ConversationId), ("clientMsgId", c.Unique("fuzz-frame-")), ("text", "fuzz frame text"))),
        new(Ops.Sync, [s_op, s_id, s_conversation, new("afterSeq", JsonKind.Integer, CheckNumber: n => n < 0 ? false : null), new("limit", JsonKind.Integer, CheckNumber: n => n is < 1 or > 300 ? false : null)],
            c => [.. Frame(Ops.Sync, ("id", c.Unique("y")), ("conversationId", c.ConversationId)), new("afterSeq", "0"), new("limit", "10")]),
        new(Ops.Read, [s_op, s_id, s_conversation, new("seq", JsonKind.Integer, Required: true, CheckNumber: n => n is < 0 or > 1_000_000 ? false : null)],
            c => [.. Frame(Ops.Read, ("id", c.Unique("r")), ("conversationId", c.ConversationId)), new("seq", "0")]),
        new(Ops.Typing, [s_op, s_id, s_conversation], c => Frame(Ops.Typing, ("id", c.Unique("t")), ("conversationId", c.ConversationId))),
        new(Ops.Ping, [s_op, s_id], c => Frame(Ops.Ping, ("id", c.Unique("p")))),
        new(Ops.Refresh, [s_op, s_id, new("token", JsonKind.String, Required: true, Check: NoSuchThing)], c => Frame(Ops.Refresh, ("id", c.Unique("f")), ("token", c.AccessToken))),
        new(Ops.Auth, [s_op, s_id, new("token", JsonKind.String, Check: NoSuchThing)], c => Frame(Ops.Auth, ("token", c.AccessToken)), AlwaysRefused: true),
        new(Ops.Auth, [s_op, new("token", JsonKind.String, Required: true, Check: NoSuchThing)], c => Frame(Ops.Auth, ("token", c.AccessToken)), FirstFrame: true),
    ];

    /// <summary>The <c>op</c> of every client frame record in TokenIM.Protocol (the records named <c>…Frame</c>).</summary>
    public static IReadOnlySet<string> ProtocolOps() =>
        typeof(Ops).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Ops).Namespace && t.Name.EndsWith("Frame", StringComparison.Ordinal) && t.GetProperty("Op") is not null)
            .Select(t => (string)t.GetProperty("Op")!.GetValue(RuntimeHelpers.GetUninitializedObject(t))!)
            .ToHashSet();

    private static List<JsonMember> Frame(string op, params (string Name, string Value)[] members) =>
        [new("op", Literal(op)), .. members.Select(m => new JsonMember(m.Name, Literal(m.Value)))];
}
