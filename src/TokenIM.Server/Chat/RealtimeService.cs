using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;
using TokenIM.Server.Presence;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// The rules of the ephemeral events: who hears of a user's presence, and typing (throttled, not in large groups).
/// Nothing here is stored.
/// </summary>
internal sealed class RealtimeService(IConversationStore store, ChatEvents events, IPresenceRegistry presence, TimeProvider time, IOptions<TokenImOptions> options)
{
    private static readonly TimeSpan s_typingInterval = TimeSpan.FromSeconds(3);
    private readonly GatewaySettings _settings = options.Value.Gateway;
    private readonly ConcurrentDictionary<(string UserId, string ConversationId), long> _lastTyping = new();

    /// <summary>Tells the other members the user is typing: at most once per 3 s per conversation, and not in groups above the typing limit.</summary>
    public async Task<Outcome> TypingAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (await store.GetRosterAsync(conversationId, cancellationToken) is not { } roster || !roster.Contains(userId))
            return ChatFailures.ConversationNotFound;
        var now = time.GetTimestamp();
        var key = (userId, conversationId);
        if (_lastTyping.TryGetValue(key, out var last) && time.GetElapsedTime(last, now) < s_typingInterval)
            return Outcome.Ok;
        _lastTyping[key] = now;

        if (roster.MemberIds.Count > _settings.TypingGroupLimit)
            return Outcome.Ok;
        await events.TypingAsync(conversationId, userId, [.. roster.MemberIds.Where(id => id != userId)]);
        return Outcome.Ok;
    }

    /// <summary>
    /// The user's first socket on this node opened (or their last here closed): when that is a change for the whole
    /// cluster (first socket anywhere, last anywhere), tell the presence audience.
    /// </summary>
    public async Task PresenceChangedAsync(string userId, bool online, CancellationToken cancellationToken)
    {
        if (await presence.SocketsChangedAsync(userId, online) is { } change)
            await AnnouncePresenceAsync(userId, change, cancellationToken);
    }

    /// <summary>Tells the user's presence audience that the user is now online (or offline, with the time).</summary>
    public async Task AnnouncePresenceAsync(string userId, bool online, CancellationToken cancellationToken)
    {
        var audience = await store.GetPresenceAudienceAsync(userId, _settings.PresenceGroupLimit, cancellationToken);
        await events.PresenceAsync(userId, online, online ? null : time.GetUtcNow(), audience);
    }

    /// <summary>
    /// After a conversation is created or gains members: its members may not have shared one before, so each hears
    /// who of the others is online now (in direct conversations and groups within the presence limit).
    /// </summary>
    public async Task ShareOnlineStateAsync(string conversationId, CancellationToken cancellationToken)
    {
        var members = await store.GetMembersAsync(conversationId, cancellationToken);
        if (members.Count > _settings.PresenceGroupLimit)
            return;
        foreach (var online in await presence.OnlineAsync([.. members.Select(m => m.UserId)]))
            await events.PresenceAsync(online, true, null, [.. members.Where(m => m.UserId != online).Select(m => m.UserId)]);
    }

    /// <summary>Who of the user's presence audience is online now (sent after <c>ready</c>).</summary>
    public async Task<IReadOnlyList<string>> OnlineContactsAsync(string userId, CancellationToken cancellationToken)
    {
        var audience = await store.GetPresenceAudienceAsync(userId, _settings.PresenceGroupLimit, cancellationToken);
        return await presence.OnlineAsync(audience);
    }

    /// <summary>Forgets typing marks older than the interval, so the table holds only the last few seconds.</summary>
    public void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var (key, last) in _lastTyping)
        {
            if (time.GetElapsedTime(last, now) >= s_typingInterval)
                _lastTyping.TryRemove(new KeyValuePair<(string, string), long>(key, last));
        }
    }
}
