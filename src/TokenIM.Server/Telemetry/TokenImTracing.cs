using System.Diagnostics;
using TokenIM.Protocol;
using TokenIM.Protocol.Ws;

namespace TokenIM.Server.Telemetry;

/// <summary>
/// The server's own spans (<see cref="SourceName"/>): one per handled socket frame (<c>ws send</c>, <c>ws sync</c>, …,
/// tagged with the op and its outcome) and one per group-commit transaction. Without a listener (no OTLP endpoint)
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and each hook costs a branch.
/// Tags carry ids, ops, codes and counts only: never message text, tokens or passwords.
/// </summary>
internal static class TokenImTracing
{
    public const string SourceName = "TokenIM.Server";
    public const string OpTag = "tokenim.op";
    public const string OutcomeTag = "tokenim.outcome";
    public const string ShardTag = "tokenim.shard";
    public const string ConversationTag = "tokenim.conversation_id";
    public const string BatchSizeTag = "tokenim.batch_size";

    /// <summary>The outcome of a frame that was answered without an error.</summary>
    public const string Ok = "ok";

    public static readonly ActivitySource Source = new(SourceName);

    // Set on a send's span once its ack callback owns it, so the dispatcher does not end it when the frame's handler returns.
    private const string HandedOver = "tokenim.handed_over";

    /// <summary>Starts the span of one frame; the names are constants, so a frame allocates nothing for it when nobody listens.</summary>
    public static Activity? StartFrame(string op)
    {
        // An unknown op is the client's own string: named "other", so no span carries what a client typed there.
        var (name, known) = op switch
        {
            Ops.Send => ("ws send", Ops.Send),
            Ops.Sync => ("ws sync", Ops.Sync),
            Ops.Read => ("ws read", Ops.Read),
            Ops.Typing => ("ws typing", Ops.Typing),
            Ops.Ping => ("ws ping", Ops.Ping),
            Ops.Refresh => ("ws refresh", Ops.Refresh),
            Ops.Auth => ("ws auth", Ops.Auth),
            _ => ("ws other", "other"),
        };
        var activity = Source.StartActivity(name, ActivityKind.Server);
        activity?.SetTag(OpTag, known);
        return activity;
    }

    /// <summary>Marks the current span refused with <paramref name="code"/> (an <c>error</c> frame's code).</summary>
    public static void Refused(string code) => Activity.Current?.SetTag(OutcomeTag, code);

    /// <summary>The current frame's span, tagged with its conversation, which the caller now ends (a send's: at its ack), or null.</summary>
    public static Activity? HandOver(string conversationId)
    {
        var activity = Activity.Current;
        activity?.SetCustomProperty(HandedOver, HandedOver);
        activity?.SetTag(ConversationTag, conversationId);
        return activity;
    }

    /// <summary>Ends a frame's span unless it was handed over; <c>ok</c> unless it was refused.</summary>
    public static void EndFrame(Activity? activity)
    {
        if (activity is not null && activity.GetCustomProperty(HandedOver) is null)
            End(activity, null);
    }

    /// <summary>Ends a span with <paramref name="outcome"/> (or, when null, what was tagged already, else <c>ok</c>).</summary>
    public static void End(Activity? activity, string? outcome)
    {
        if (activity is null)
            return;
        if (outcome is not null)
            activity.SetTag(OutcomeTag, outcome);
        else if (activity.GetTagItem(OutcomeTag) is null)
            activity.SetTag(OutcomeTag, Ok);
        // Refusals a client caused (not a member, rate limited) are answers, not failures of the server.
        if (activity.GetTagItem(OutcomeTag) is string tagged && (tagged == ErrorCode.InternalError.Code || tagged == ErrorCode.StoreUnavailable.Code))
            activity.SetStatus(ActivityStatusCode.Error, tagged);
        activity.Stop();
    }
}
