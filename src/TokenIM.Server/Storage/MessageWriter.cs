using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;
using TokenIM.Server.Telemetry;

namespace TokenIM.Server.Storage;

/// <summary>
/// Group commit: every send waits in its shard's bounded queue, and one loop per shard writes whatever has gathered
/// (up to <see cref="StorageSettings.MaxWriteBatch"/>) in a single transaction, so a burst of sends costs one commit
/// instead of one each. A waiter is completed only after its batch committed. The single loop per shard is also what
/// keeps seq assignment free of races on one node; the store's transaction keeps it correct against other writers
/// (other nodes). Shards commit in parallel, and an unreachable shard holds up only its own sends.
/// </summary>
internal sealed partial class MessageWriter(
    IMessageStore store, IMessageCommitObserver observer, TimeProvider time, IOptions<TokenImOptions> options, ILogger<MessageWriter> logger,
    TokenImMetrics? metrics = null)
    : BackgroundService
{
    private readonly int _maxBatch = options.Value.Storage.MaxWriteBatch;

    // Bounded: when storage falls behind, senders wait here instead of the server buffering without limit.
    private readonly Channel<PendingSend>[] _queues = [.. Enumerable.Range(0, store.ShardCount).Select(_ => Channel.CreateBounded<PendingSend>(
        new BoundedChannelOptions(Math.Max(1024, options.Value.Storage.MaxWriteBatch * 4))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }))];

    private long _batches;
    private long _stored;
    private long _storeTicks;

    /// <summary>Transactions attempted so far (batches, plus single-send retries after a failed batch).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Messages stored so far (not counting duplicates or refusals), for the live statistics.</summary>
    public long MessagesStored => Interlocked.Read(ref _stored);

    /// <summary>Time spent in the store's transactions so far, in <see cref="TimeSpan"/> ticks: over <see cref="Batches"/>, the mean commit latency.</summary>
    public long StoreTicks => Interlocked.Read(ref _storeTicks);

    /// <summary>
    /// Queues the send and completes once it is committed (or found to be a duplicate). Cancelling stops the
    /// wait, not the write: once queued, a send may still be stored, and a resend finds it by its clientMsgId.
    /// </summary>
    /// <exception cref="ChannelClosedException">The server is shutting down.</exception>
    public async Task<AppendResult> AppendAsync(AppendRequest send, CancellationToken cancellationToken)
    {
        var committed = await QueueAsync(send, cancellationToken);
        return await committed.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues the send and returns, once it is in the queue, a task that completes after its commit. Sends queued
    /// one after the other are written in that order.
    /// </summary>
    /// <exception cref="ChannelClosedException">The server is shutting down.</exception>
    public async ValueTask<Task<AppendResult>> QueueAsync(AppendRequest send, CancellationToken cancellationToken)
    {
        var pending = new PendingSend(send, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously), System.Diagnostics.Stopwatch.GetTimestamp());
        await _queues[store.ShardOf(send.ConversationId)].Writer.WriteAsync(pending, cancellationToken);
        return pending.Completion.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop accepting; the loop drains what is queued, completes every waiter, then ends.
        foreach (var queue in _queues)
            queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(_queues.Select(WriteLoopAsync));

    private async Task WriteLoopAsync(Channel<PendingSend> queue)
    {
        // Off the caller's thread: each shard's loop runs on its own.
        await Task.Yield();
        var batch = new List<PendingSend>(_maxBatch);
        // Not stoppingToken: after StopAsync the queue is completed and drained, so no accepted send is dropped.
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _maxBatch && queue.Reader.TryRead(out var pending))
                batch.Add(pending);
            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<PendingSend> batch)
    {
        var createdAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            var results = await AppendCountedAsync([.. batch.Select(p => p.Send)], createdAt);
            await CompleteAsync(batch, results);
            return;
        }
        catch (StoreUnavailableException e)
        {
            // Nothing was written, and retrying send by send would only wait for the same dead shard again.
            LogShardUnavailable(logger, batch.Count, e.Shard, e.InnerException);
            var unavailable = new AppendResult(AppendStatus.Unavailable, null);
            foreach (var pending in batch)
            {
                pending.Send.OnCommitted?.Invoke(unavailable);
                pending.Completion.TrySetResult(unavailable);
            }

            return;
        }
        catch (Exception e) when (batch.Count > 1)
        {
            LogBatchFailed(logger, batch.Count, e);
        }
        catch (Exception e)
        {
            LogSendFailed(logger, batch[0].Send.ConversationId, e);
            Fail(batch[0], e);
            return;
        }

        // One bad send must not fail the others: each gets a transaction of its own.
        foreach (var pending in batch)
        {
            try
            {
                var results = await AppendCountedAsync([pending.Send], createdAt);
                await CompleteAsync([pending], results);
            }
            catch (Exception e)
            {
                LogSendFailed(logger, pending.Send.ConversationId, e);
                Fail(pending, e);
            }
        }
    }

    // Counted per transaction, not per message: the statistics cost the hot path three increments per batch.
    private async Task<IReadOnlyList<AppendResult>> AppendCountedAsync(IReadOnlyList<AppendRequest> sends, long createdAt)
    {
        Interlocked.Increment(ref _batches);
        using var span = TokenImTracing.Source.StartActivity("store commit");
        // A batch is of one shard (one writer loop per shard).
        var shard = store.ShardOf(sends[0].ConversationId);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var results = await store.AppendAsync(sends, createdAt, CancellationToken.None);
            var created = 0;
            foreach (var result in results)
            {
                if (result.Status == AppendStatus.Created)
                    created++;
            }

            Interlocked.Add(ref _stored, created);
            span?.SetTag(TokenImTracing.BatchSizeTag, sends.Count).SetTag(TokenImTracing.ShardTag, shard);
            return results;
        }
        finally
        {
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            Interlocked.Add(ref _storeTicks, elapsed.Ticks);
            metrics?.Committed(shard, elapsed, sends.Count);
        }
    }

    /// <summary>Hands the committed batch to the next stage, which publishes its events and then completes each send in order.</summary>
    private async Task CompleteAsync(List<PendingSend> batch, IReadOnlyList<AppendResult> results)
    {
        var committed = new CommittedSend[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (pending, result) = (batch[i], results[i]);
            committed[i] = new CommittedSend(pending.Send, result, () =>
            {
                // Called by the fan-out right after the message's event went out.
                if (result.Status == AppendStatus.Created)
                    metrics?.SendDelivered(pending.QueuedAt);
                pending.Send.OnCommitted?.Invoke(result);
                pending.Completion.TrySetResult(result);
            });
        }

        await observer.OnCommittedAsync(committed);
    }

    private static void Fail(PendingSend pending, Exception e)
    {
        pending.Send.OnCommitted?.Invoke(null);
        pending.Completion.TrySetException(e);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "A batch of {Count} sends failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "A send to {ConversationId} could not be stored")]
    private static partial void LogSendFailed(ILogger logger, string conversationId, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Count} sends were refused: store shard {Shard} is unreachable")]
    private static partial void LogShardUnavailable(ILogger logger, int count, int shard, Exception? exception);

    private sealed record PendingSend(AppendRequest Send, TaskCompletionSource<AppendResult> Completion, long QueuedAt);
}
