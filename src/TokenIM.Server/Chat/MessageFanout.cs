using System.Threading.Channels;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>
/// Publishes the <c>message</c> event of every committed send, in commit order — so in seq order for each
/// conversation — from one loop fed by the writer, and then acks each send: receivers see a conversation's messages
/// in order, a sender's acks arrive in order, and an event is out before its ack. The loop runs beside the writer,
/// which commits the next batch meanwhile (one writer loop per shard feeds it; a conversation is always on one, so
/// its batches arrive in commit order). The queue is bounded: if publishing falls behind, the writer waits.
/// </summary>
internal sealed partial class MessageFanout(IConversationStore store, ChatEvents events, ILogger<MessageFanout> logger) : BackgroundService, IMessageCommitObserver
{
    private readonly Channel<IReadOnlyList<CommittedSend>> _batches = Channel.CreateBounded<IReadOnlyList<CommittedSend>>(
        new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    public ValueTask OnCommittedAsync(IReadOnlyList<CommittedSend> batch) => _batches.Writer.WriteAsync(batch);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // The writer stops before this (it was registered after), so every batch it committed is already queued.
        _batches.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in _batches.Reader.ReadAllAsync(CancellationToken.None))
        {
            var completed = 0;
            try
            {
                // Each event (to the roster, from memory) and then its ack, in commit order.
                foreach (var (send, result, complete) in batch)
                {
                    if (result.Status == AppendStatus.Created
                        && await store.GetRosterAsync(send.ConversationId, CancellationToken.None) is { } roster)
                        await events.MessageCreatedAsync(result.Message!.ToDto(send.Extras), roster.MemberIds, send.OriginConnectionId);

                    complete();
                    completed++;
                }
            }
            catch (Exception e)
            {
                // The messages are committed: ack them even if their events could not go out (clients resync by seq).
                LogFanoutFailed(logger, batch.Count - completed, e);
                foreach (var send in batch.Skip(completed))
                    send.Complete();
            }
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Publishing the events of {Count} committed messages failed; they are acked without live delivery")]
    private static partial void LogFanoutFailed(ILogger logger, int count, Exception exception);
}
