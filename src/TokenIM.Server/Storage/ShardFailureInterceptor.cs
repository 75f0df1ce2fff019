using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TokenIM.Server.Storage;

/// <summary>Marks its shard unreachable when a connection to it cannot be opened or breaks, so the next requests fail fast with 503.</summary>
internal sealed class ShardFailureInterceptor(Shard shard) : DbConnectionInterceptor
{
    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Observe(eventData.Exception);

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Observe(eventData.Exception);
        return Task.CompletedTask;
    }

    private void Observe(Exception exception)
    {
        if (StoreUnavailableException.IsUnreachable(exception))
            shard.MarkUnreachable();
    }
}
