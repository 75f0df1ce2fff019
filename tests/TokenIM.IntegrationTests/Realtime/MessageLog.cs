using TokenIM.Client.Realtime;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>Everything one SDK client delivered to the application, per conversation, in delivery order (repeats kept, to be counted).</summary>
public sealed class MessageLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<MessageDto>> _delivered = [];
    private readonly List<(string ConversationId, int Count, TaskCompletionSource Done)> _waiters = [];

    public void Attach(TokenImRealtimeClient client) => client.MessageReceived += (_, message) => Add(message);

    public IReadOnlyList<MessageDto> Of(string conversationId)
    {
        lock (_lock)
            return _delivered.TryGetValue(conversationId, out var list) ? [.. list] : [];
    }

    /// <summary>Waits until at least <paramref name="count"/> messages of the conversation were delivered; fails with what arrived.</summary>
    public async Task WaitForAsync(string conversationId, int count, TimeSpan timeout, string who = "client")
    {
        Task done;
        lock (_lock)
        {
            if (Count(conversationId) >= count)
                return;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((conversationId, count, waiter));
            done = waiter.Task;
        }
        try
        {
            await done.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var seqs = Of(conversationId).Select(m => m.Seq).ToList();
            Assert.Fail($"{who} got {seqs.Count} of {count} messages within {timeout}: [{string.Join(",", seqs)}]");
        }
    }

    private void Add(MessageDto message)
    {
        lock (_lock)
        {
            if (!_delivered.TryGetValue(message.ConversationId, out var list))
                _delivered[message.ConversationId] = list = [];
            list.Add(message);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (conversationId, count, waiter) = _waiters[i];
                if (conversationId == message.ConversationId && list.Count >= count)
                {
                    _waiters.RemoveAt(i);
                    waiter.TrySetResult();
                }
            }
        }
    }

    private int Count(string conversationId) => _delivered.TryGetValue(conversationId, out var list) ? list.Count : 0;
}
