using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Ws;

namespace TokenIM.Client.Realtime;

public sealed partial class TokenImRealtimeClient
{
    // The change cursor of each conversation: the highest changeSeq applied, contiguous (every change up to it was
    // raised). Beside the seq cursor of ConversationStream, under the same lock.
    private readonly Dictionary<string, long> _changeCursors = [];
    private readonly Dictionary<string, ChangeFill> _changeFills = [];

    /// <summary>A change-cursor catch-up of one conversation; <see cref="Again"/> asks it for one more round.</summary>
    private sealed class ChangeFill
    {
        public Task<bool> Task { get; set; } = System.Threading.Tasks.Task.FromResult(true);

        public bool Again { get; set; }
    }

    /// <summary>
    /// A message was edited, recalled or its reactions changed: replace your copy (by conversation and seq) when this
    /// one's <see cref="MessageDto.ChangeSeq"/> is newer. Raised for live <c>changed</c> events and for the changes
    /// fetched when one was missed (after a reconnect too), so a change may be raised more than once. A copy you hold
    /// hidden (<see cref="MessageDto.Hidden"/>) stays hidden: the live event does not know who hid what.
    /// </summary>
    public event EventHandler<MessageDto>? MessageChanged;

    /// <summary>You deleted a message for yourself on another device: hide it here too.</summary>
    public event EventHandler<HiddenEvent>? MessageHidden;

    /// <summary>The change cursor (highest changeSeq applied) of every conversation whose changes are tracked.</summary>
    public IReadOnlyDictionary<string, long> ChangeCursors
    {
        get
        {
            lock (_lock)
                return new Dictionary<string, long>(_changeCursors);
        }
    }

    /// <summary>
    /// Tracks <paramref name="conversationId"/>'s changes from <paramref name="changeCursor"/> (a value saved from
    /// <see cref="ChangeCursors"/>); the changes above it are fetched after the next <c>ready</c>. Without it a
    /// conversation's changes are tracked from its <see cref="ConversationDto.LastChangeSeq"/> when first seen.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="changeCursor">The highest changeSeq the application already applied.</param>
    public void SetChangeCursor(string conversationId, long changeCursor)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(changeCursor);
        lock (_lock)
            _changeCursors[conversationId] = changeCursor;
    }

    private void OnChanged(MessageDto message)
    {
        var changeSeq = message.ChangeSeq ?? 0;
        bool raise;
        lock (_lock)
        {
            if (!_changeCursors.TryGetValue(message.ConversationId, out var held))
            {
                // First sight of this conversation's changes: this one is where tracking starts.
                held = changeSeq - 1;
            }

            raise = changeSeq == held + 1;
            if (raise)
                _changeCursors[message.ConversationId] = changeSeq;
            else if (changeSeq > held + 1)
                StartChangeFillLocked(message.ConversationId);
        }

        // At or below the cursor: applied already (the cursor is contiguous). Above it: the fill raises it with the rest.
        if (raise)
            MessageChanged?.Invoke(this, message);
    }

    /// <summary>Step 3 of the reconnect contract for changes, one conversation of the list; call under the lock.</summary>
    private void CatchUpChangesLocked(ConversationDto conversation, List<Task<bool>> fills)
    {
        if (!_changeCursors.TryGetValue(conversation.Id, out var held))
            _changeCursors[conversation.Id] = conversation.LastChangeSeq;
        else if (conversation.LastChangeSeq > held)
            fills.Add(StartChangeFillLocked(conversation.Id));
    }

    private Task<bool> StartChangeFillLocked(string conversationId)
    {
        if (_changeFills.TryGetValue(conversationId, out var running))
        {
            running.Again = true;
            return running.Task;
        }

        var fill = new ChangeFill();
        _changeFills[conversationId] = fill;
        // Task.Run: the fill must not start inside this lock.
        fill.Task = Task.Run(() => FillChangesAsync(fill, conversationId));
        return fill.Task;
    }

    /// <summary>
    /// <c>GET …/changes</c> from the change cursor until <c>hasMore</c> is false, raising each message. A page lists
    /// each changed message once at its latest change, so after a page every change up to its last changeSeq is applied.
    /// </summary>
    private async Task<bool> FillChangesAsync(ChangeFill fill, string conversationId)
    {
        try
        {
            while (true)
            {
                long after;
                lock (_lock)
                {
                    fill.Again = false;
                    after = _changeCursors.GetValueOrDefault(conversationId);
                }

                var page = await _rest.GetChangesAsync(conversationId, after).ConfigureAwait(false);
                lock (_lock)
                {
                    if (page.Messages.Count > 0)
                        _changeCursors[conversationId] = Math.Max(_changeCursors.GetValueOrDefault(conversationId), page.Messages[^1].ChangeSeq ?? 0);
                }

                foreach (var message in page.Messages)
                    MessageChanged?.Invoke(this, message);
                lock (_lock)
                {
                    if (!page.HasMore && !fill.Again)
                    {
                        _changeFills.Remove(conversationId);
                        return true;
                    }
                }
            }
        }
        catch (TokenImApiException error) when (error.Code == ErrorCode.ConversationNotFound.Code)
        {
            // No longer a member: nothing more to follow.
            lock (_lock)
            {
                _changeCursors.Remove(conversationId);
                _changeFills.Remove(conversationId);
            }

            return true;
        }
        catch (Exception error) when (error is TokenImApiException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            // The next event that skips ahead, or the next ready, tries again.
            lock (_lock)
                _changeFills.Remove(conversationId);
            return false;
        }
    }
}
