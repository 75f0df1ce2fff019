using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>
/// The delivery log of an endpoint, read from every database (a conversation's deliveries live on its shard, a
/// user's on the directory) and merged newest first; and the manual retry of a dead delivery.
/// </summary>
internal sealed class WebhookDeliveryLog(StoreShards shards, WebhookDispatcher dispatcher, TimeProvider time)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    private static readonly Failure s_notFound = new(ErrorCode.WebhookDeliveryNotFound, "No such delivery for this endpoint.");
    private static readonly Failure s_notDead = new(ErrorCode.WebhookDeliveryNotDead, "Only a dead delivery can be retried.");

    private IEnumerable<Shard> Databases => shards.All.Append(shards.Directory).Distinct();

    public async Task<Result<WebhookDeliveryPage>> ListAsync(
        string endpointId, string? state, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var stateValue = WebhookDeliveryStates.Parse(state);
        if (state is not null && stateValue is null)
            errors["state"] = ["One of pending, delivered, dead."];
        if (limit is < 1 or > MaxLimit)
            errors["limit"] = [$"From 1 to {MaxLimit}."];
        (long At, string Id)? after = null;
        if (cursor is not null)
        {
            if (TryParseCursor(cursor) is { } parsed)
                after = parsed;
            else
                errors["cursor"] = ["Pass the nextCursor of the previous page as it was."];
        }

        if (errors.Count > 0)
            return Failure.Validation(errors);

        await using (var directoryDb = shards.Directory.Create())
        {
            if (!await directoryDb.WebhookEndpoints.AnyAsync(e => e.Id == endpointId, cancellationToken))
                return WebhookEndpointService.NotFound;
        }

        var take = limit ?? DefaultLimit;
        var pages = await Task.WhenAll(Databases.Select(async database =>
        {
            await using var db = database.Create();
            var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpointId);
            if (stateValue is { } s)
                query = query.Where(d => d.State == s);
            if (after is { } position)
            {
                var (at, id) = position;
                query = query.Where(d => d.CreatedAt < at || (d.CreatedAt == at && string.Compare(d.Id, id) < 0));
            }

            return await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(take).ToListAsync(cancellationToken);
        }));
        var merged = pages.SelectMany(p => p)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id, StringComparer.Ordinal)
            .Take(take).ToList();
        var next = merged.Count == take ? $"{merged[^1].CreatedAt.ToString(CultureInfo.InvariantCulture)}.{merged[^1].Id}" : null;
        return new WebhookDeliveryPage([.. merged.Select(ToDto)], next);
    }

    /// <summary>Puts a dead delivery back in its queue, due now, with its attempts counted from zero.</summary>
    public async Task<Result<WebhookDeliveryDto>> RetryAsync(string endpointId, string deliveryId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var database in Databases)
        {
            await using var db = database.Create();
            if (await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == endpointId, cancellationToken) is not { } delivery)
                continue;
            if (delivery.State != WebhookDeliveryStates.Dead)
                return s_notDead;
            delivery.State = WebhookDeliveryStates.Pending;
            delivery.Attempts = 0;
            delivery.NextAttemptAt = now;
            await db.SaveChangesAsync(cancellationToken);
            dispatcher.WakeAll();
            return ToDto(delivery);
        }

        return s_notFound;
    }

    private static (long, string)? TryParseCursor(string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && long.TryParse(cursor.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var at) && dot < cursor.Length - 1
            ? (at, cursor[(dot + 1)..])
            : null;
    }

    private static WebhookDeliveryDto ToDto(WebhookDeliveryEntity d) => new(
        d.Id,
        d.EventId,
        d.EventType,
        WebhookDeliveryStates.Name(d.State),
        d.Attempts,
        d.LastStatusCode,
        d.LastError,
        d.LastAttemptAt is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
        d.State == WebhookDeliveryStates.Pending ? DateTimeOffset.FromUnixTimeMilliseconds(d.NextAttemptAt) : null,
        DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt));
}
