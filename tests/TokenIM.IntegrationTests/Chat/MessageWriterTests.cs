using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>
/// The group-commit writer over the real store. A gate holds the first batch inside the store, so every send
/// queued meanwhile is known to be waiting when it opens: the batching is asserted without timing.
/// </summary>
public sealed class MessageWriterTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_SendsQueuedDuringACommit_AreWrittenInOneTransaction()
    {
        var (writer, store, conversationId, senders) = await StartAsync(senderCount: 3);
        var first = writer.AppendAsync(Send(conversationId, senders[0], "first"), Ct);
        await store.FirstBatchEntered;

        // Queued while the first batch is held: 3 senders × 10 messages, plus a repeat of one key within the batch.
        var queued = senders.SelectMany(s => Enumerable.Range(0, 10).Select(i => writer.AppendAsync(Send(conversationId, s, $"{s}-{i}"), Ct))).ToList();
        var repeat = writer.AppendAsync(Send(conversationId, senders[1], $"{senders[1]}-3"), Ct);
        store.Release();
        var results = await Task.WhenAll(queued.Prepend(first));
        var repeated = await repeat;

        Assert.Equal([1, 31], store.BatchSizes);
        Assert.Equal(2, writer.Batches);
        Assert.Equal(Enumerable.Range(1, 31).Select(i => (long)i), results.Select(r => r.Message!.Seq));
        Assert.All(results, r => Assert.Equal(AppendStatus.Created, r.Status));
        Assert.Equal(AppendStatus.Duplicate, repeated.Status);
        Assert.Same(results.Single(r => r.Message!.ClientMsgId == $"{senders[1]}-3").Message, repeated.Message);
        await writer.StopAsync(Ct);
    }

    [Fact]
    public async Task AppendAsync_OneBadSendInABatch_FailsAloneAndTheOthersCommit()
    {
        var (writer, store, conversationId, senders) = await StartAsync(senderCount: 1);
        var first = await AppendReleasedAsync(writer, store, Send(conversationId, senders[0], "first"));
        store.Hold();
        var held = writer.AppendAsync(Send(conversationId, senders[0], "held"), Ct);
        await store.NextBatchEntered;

        var good1 = writer.AppendAsync(Send(conversationId, senders[0], "good-1"), Ct);
        // A message id that is already taken violates a unique index: this one send cannot be stored.
        var bad = writer.AppendAsync(Send(conversationId, senders[0], "bad") with { MessageId = first.Message!.Id }, Ct);
        var good2 = writer.AppendAsync(Send(conversationId, senders[0], "good-2"), Ct);
        store.Release();

        Assert.Equal(2, (await held).Message!.Seq);
        // The provider's own error (the writer writes with plain SQL, not SaveChanges).
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => bad);
        var goods = await Task.WhenAll(good1, good2);
        Assert.Equal([3L, 4L], goods.Select(r => r.Message!.Seq));
        Assert.Equal([1, 1, 3, 1, 1, 1], store.BatchSizes); // the failed batch of 3, then each alone
        await writer.StopAsync(Ct);
    }

    [Fact]
    public async Task StopAsync_WithSendsQueued_DrainsThemAndRefusesNewOnes()
    {
        var (writer, store, conversationId, senders) = await StartAsync(senderCount: 1);
        var first = writer.AppendAsync(Send(conversationId, senders[0], "first"), Ct);
        await store.FirstBatchEntered;
        var queued = Enumerable.Range(0, 5).Select(i => writer.AppendAsync(Send(conversationId, senders[0], $"q{i}"), Ct)).ToList();

        var stopping = writer.StopAsync(Ct);
        await Assert.ThrowsAsync<ChannelClosedException>(() => writer.AppendAsync(Send(conversationId, senders[0], "late"), Ct));
        store.Release();
        await stopping;

        var results = await Task.WhenAll(queued.Prepend(first));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), results.Select(r => r.Message!.Seq));
    }

    private static AppendRequest Send(string conversationId, string senderId, string clientMsgId) =>
        new(conversationId, senderId, clientMsgId, $"text of {clientMsgId}", Guid.CreateVersion7().ToString("N"));

    private static async Task<AppendResult> AppendReleasedAsync(MessageWriter writer, GatedStore store, AppendRequest send)
    {
        var append = writer.AppendAsync(send, Ct);
        await store.FirstBatchEntered;
        store.Release();
        return await append;
    }

    private async Task<(MessageWriter Writer, GatedStore Store, string ConversationId, string[] Senders)> StartAsync(int senderCount)
    {
        var users = await factory.RegisterManyAsync(senderCount + 1);
        var group = await users[0].CreateGroupAsync("writer", users[1..]);
        var store = new GatedStore(factory.Services.GetRequiredService<IMessageStore>());
        var writer = new MessageWriter(store, new RecordingObserver(), TimeProvider.System, factory.Services.GetRequiredService<IOptions<TokenImOptions>>(), NullLogger<MessageWriter>.Instance);
        await writer.StartAsync(Ct);
        return (writer, store, group.Id, [.. users[1..].Select(u => u.Id)]);
    }

    /// <summary>The events stage, reduced to remembering what was committed.</summary>
    private sealed class RecordingObserver : IMessageCommitObserver
    {
        public List<CommittedSend> Committed { get; } = [];

        public ValueTask OnCommittedAsync(IReadOnlyList<CommittedSend> batch)
        {
            lock (Committed)
                Committed.AddRange(batch);
            foreach (var send in batch)
                send.Complete();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Passes appends to the real store; while held, a batch waits inside it until <see cref="Release"/>.</summary>
    private sealed class GatedStore(IMessageStore inner) : IMessageStore
    {
        private readonly List<int> _batchSizes = [];
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstBatchEntered => _entered.Task;

        public Task NextBatchEntered => _entered.Task;

        public IReadOnlyList<int> BatchSizes
        {
            get
            {
                lock (_batchSizes)
                    return [.. _batchSizes];
            }
        }

        public int ShardCount => inner.ShardCount;

        public void Release() => _gate.TrySetResult();

        public void Hold()
        {
            _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<AppendRequest> sends, long createdAt, CancellationToken cancellationToken)
        {
            lock (_batchSizes)
                _batchSizes.Add(sends.Count);
            _entered.TrySetResult();
            await _gate.Task;
            return await inner.AppendAsync(sends, createdAt, cancellationToken);
        }

        public Task<IReadOnlyList<MessageEntity>> GetMessagesAsync(
            string conversationId, long? afterSeq, long? beforeSeq, int take, bool fromHighEnd, CancellationToken cancellationToken) =>
            inner.GetMessagesAsync(conversationId, afterSeq, beforeSeq, take, fromHighEnd, cancellationToken);

        public Task<MessageEntity?> FindMessageAsync(string conversationId, string senderId, string clientMsgId, CancellationToken cancellationToken) =>
            inner.FindMessageAsync(conversationId, senderId, clientMsgId, cancellationToken);

        public int ShardOf(string conversationId) => inner.ShardOf(conversationId);
    }
}
