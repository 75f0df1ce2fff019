using TokenIM.Protocol.Rest;

namespace TokenIM.Protocol.Webhooks;

/// <summary>The event types a webhook endpoint can subscribe to.</summary>
public static class WebhookEventTypes
{
    /// <summary>A message was stored; <c>data.message</c>.</summary>
    public const string MessageCreated = "message.created";

    /// <summary>A conversation was created; <c>data.conversation</c> and <c>data.actorId</c> (its creator).</summary>
    public const string ConversationCreated = "conversation.created";

    /// <summary>A user joined a conversation; <c>data.conversationId</c>, <c>data.userId</c>, <c>data.actorId</c> (who added them).</summary>
    public const string MemberAdded = "member.added";

    /// <summary>A user left or was removed; <c>data.conversationId</c>, <c>data.userId</c>, <c>data.actorId</c> (themselves when they left).</summary>
    public const string MemberRemoved = "member.removed";

    /// <summary>A user was created (sign-up, server API, or an external issuer's first token); <c>data.user</c>.</summary>
    public const string UserCreated = "user.created";

    /// <summary>Every type, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = [MessageCreated, ConversationCreated, MemberAdded, MemberRemoved, UserCreated];
}

/// <summary>
/// The JSON body of every webhook request. <see cref="Id"/> is unique per event and stays the same on every retry:
/// a receiver that stores the ids it handled processes each event once although delivery is at least once.
/// </summary>
/// <param name="Id">The event id (<c>evt_…</c>); the same on each retry of this event.</param>
/// <param name="Type">One of <see cref="WebhookEventTypes"/>.</param>
/// <param name="CreatedAt">When the event happened (not when this delivery was tried).</param>
/// <param name="Data">The event's fields; which ones are set depends on <see cref="Type"/>.</param>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset CreatedAt, WebhookEventData Data);

/// <summary>The fields of a <see cref="WebhookEvent"/>; each type sets the ones <see cref="WebhookEventTypes"/> names.</summary>
/// <param name="Message">The stored message (<c>message.created</c>).</param>
/// <param name="Conversation">The new conversation (<c>conversation.created</c>).</param>
/// <param name="ConversationId">The conversation (member events).</param>
/// <param name="UserId">The member who joined or left (member events).</param>
/// <param name="ActorId">The user who did it: the creator, the adder, the remover.</param>
/// <param name="User">The new user (<c>user.created</c>).</param>
public sealed record WebhookEventData(
    MessageDto? Message = null,
    ServerConversationDto? Conversation = null,
    string? ConversationId = null,
    string? UserId = null,
    string? ActorId = null,
    ServerUserDto? User = null);
