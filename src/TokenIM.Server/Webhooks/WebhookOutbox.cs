using System.Security.Cryptography;
using System.Text.Json;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>
/// Makes the outbox rows the stores write inside their own transactions: null when no enabled endpoint wants the
/// type (one set lookup, so nothing else is built). The body is serialized here, once, and sent as stored.
/// </summary>
internal sealed class WebhookOutbox(WebhookSubscriptions subscriptions, TimeProvider time)
{
    /// <summary>Set by the stores after a commit that wrote events: the dispatcher of that database looks at once.</summary>
    public event Action<int>? Written;

    public bool Wants(string eventType) => subscriptions.Wants(eventType);

    /// <summary>Whether any enabled endpoint wants anything.</summary>
    public bool Any => subscriptions.Any;

    public void NotifyWritten(int shardIndex) => Written?.Invoke(shardIndex);

    public WebhookEventEntity? MessageCreated(MessageEntity message) =>
        !subscriptions.Wants(WebhookEventTypes.MessageCreated)
            ? null
            : Create(WebhookEventTypes.MessageCreated, message.ConversationId, message.CreatedAt, new WebhookEventData(Message: message.ToDto()));

    public WebhookEventEntity? ConversationCreated(ConversationEntity conversation, IReadOnlyList<MemberEntity> members, string? actorId) =>
        !subscriptions.Wants(WebhookEventTypes.ConversationCreated)
            ? null
            : Create(WebhookEventTypes.ConversationCreated, conversation.Id, conversation.CreatedAt, new WebhookEventData(
                Conversation: new ServerConversationDto(
                    conversation.Id,
                    conversation.Type,
                    conversation.Type == ConversationTypes.Group ? conversation.Title : null,
                    [.. members.Select(m => m.ToDto())],
                    conversation.LastSeq,
                    ChatMapping.Time(conversation.CreatedAt),
                    ChatMapping.Time(conversation.UpdatedAt)),
                ActorId: actorId));

    /// <summary>One event per member added and per member removed, in that order.</summary>
    public IEnumerable<WebhookEventEntity> MembersChanged(string conversationId, ConversationChange change)
    {
        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (subscriptions.Wants(WebhookEventTypes.MemberAdded))
        {
            foreach (var added in change.Added)
                yield return Create(WebhookEventTypes.MemberAdded, conversationId, at, new WebhookEventData(ConversationId: conversationId, UserId: added.UserId, ActorId: change.ActorId));
        }

        if (subscriptions.Wants(WebhookEventTypes.MemberRemoved))
        {
            foreach (var removed in change.Removed)
                yield return Create(WebhookEventTypes.MemberRemoved, conversationId, at, new WebhookEventData(ConversationId: conversationId, UserId: removed, ActorId: change.ActorId));
        }
    }

    public WebhookEventEntity? UserCreated(UserEntity user) =>
        !subscriptions.Wants(WebhookEventTypes.UserCreated)
            ? null
            : Create(WebhookEventTypes.UserCreated, "user:" + user.Id, user.CreatedAt, new WebhookEventData(User: ServerUserService.ToDto(user)));

    public static string NewEventId() => "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static WebhookEventEntity Create(string type, string orderKey, long createdAt, WebhookEventData data)
    {
        var id = NewEventId();
        return new WebhookEventEntity
        {
            Id = id,
            Type = type,
            OrderKey = orderKey,
            Payload = JsonSerializer.Serialize(new WebhookEvent(id, type, ChatMapping.Time(createdAt), data), ProtocolJsonContext.Default.WebhookEvent),
            CreatedAt = createdAt,
        };
    }
}
