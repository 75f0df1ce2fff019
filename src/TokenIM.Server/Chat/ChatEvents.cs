using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;
using TokenIM.Server.Bus;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Turns what happened in the domain into socket events, chooses who gets them, encodes each once and publishes it
/// on the bus. Services call it after their change has committed.
/// </summary>
internal sealed class ChatEvents(IBus bus, IConversationStore store, ISocialStore social)
{
    /// <summary>A new message: to every member's every socket, but the one that sent it (it got the ack).</summary>
    public Task MessageCreatedAsync(MessageDto message, IReadOnlyList<string> memberIds, string? exceptConnectionId) =>
        PublishAsync(memberIds, new MessageEvent(message), ProtocolJsonContext.Wire.MessageEvent, exceptConnectionId);

    /// <summary>A read marker moved: to the user's other sockets and to the other members.</summary>
    public async Task ReceiptAsync(string conversationId, string userId, long seq, string? exceptConnectionId, CancellationToken cancellationToken)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster)
            return;
        await PublishAsync(roster.MemberIds, new ReceiptEvent(conversationId, userId, seq), ProtocolJsonContext.Wire.ReceiptEvent, exceptConnectionId);
    }

    public Task TypingAsync(string conversationId, string userId, IReadOnlyList<string> recipients) =>
        PublishAsync(recipients, new TypingEvent(conversationId, userId), ProtocolJsonContext.Wire.TypingEvent, null);

    public Task PresenceAsync(string userId, bool online, DateTimeOffset? lastSeenAt, IReadOnlyList<string> audience) =>
        PublishAsync(audience, new PresenceEvent(userId, online, lastSeenAt), ProtocolJsonContext.Wire.PresenceEvent, null);

    /// <summary>
    /// A conversation changed: each member gets it as they see it (their own read marker and role), so this event is
    /// encoded per member. <paramref name="alsoTo"/> names users who are no longer members but must hear of it (a
    /// removed member); they get the conversation as it is now, with nothing unread.
    /// </summary>
    public async Task ConversationChangedAsync(string conversationEvent, string conversationId, IReadOnlyList<string> alsoTo, CancellationToken cancellationToken)
    {
        var members = await store.GetMembersAsync(conversationId, cancellationToken);
        if (members.Count == 0 && alsoTo.Count == 0)
            return;
        // One read of the shared part (members, last message), then each recipient's own marker and role.
        var view = members.Count > 0 ? await store.GetConversationAsync(conversationId, members[0].UserId, cancellationToken) : null;
        // Each member's mention count is their own too: one query for all of them.
        var mentions = view is null ? null : await social.MentionCountsByMemberAsync(conversationId, cancellationToken);
        foreach (var member in members)
        {
            if (view is not null)
                await PublishOneAsync(member.UserId, conversationEvent, view with { Self = member, MentionCount = mentions!.GetValueOrDefault(member.UserId) });
        }

        if (view is null || alsoTo.Count == 0)
            return;
        foreach (var userId in alsoTo)
        {
            var former = new MemberEntity { ConversationId = conversationId, UserId = userId, Role = MemberRoles.Member, ReadSeq = view.Conversation.LastSeq };
            await PublishOneAsync(userId, conversationEvent, view with { Self = former, MentionCount = 0 });
        }
    }

    /// <summary>A member changed their own settings: to every socket of theirs (the other members hear nothing).</summary>
    public Task SettingsChangedAsync(string userId, ConversationDto conversation) =>
        PublishAsync([userId], new ConversationEvent(ConversationEvents.SettingsChanged, conversation), ProtocolJsonContext.Wire.ConversationEvent, null);

    private Task PublishOneAsync(string userId, string conversationEvent, ConversationView view) =>
        PublishAsync([userId], new ConversationEvent(conversationEvent, view.ToDto()), ProtocolJsonContext.Wire.ConversationEvent, null);

    private async Task PublishAsync<T>(IReadOnlyList<string> userIds, T frame, JsonTypeInfo<T> typeInfo, string? exceptConnectionId)
    {
        if (userIds.Count == 0)
            return;
        // Encoded once: the same bytes go to every receiving socket.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo);
        await bus.PublishAsync(BusEnvelope.Deliver(userIds, bytes, exceptConnectionId));
    }
}
