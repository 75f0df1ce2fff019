using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>
/// Creates, changes and deletes webhook endpoints (on the directory database). After each change this node re-reads
/// the list before answering, and the bus tells the other nodes to.
/// </summary>
internal sealed partial class WebhookEndpointService(
    Func<TokenImDbContext> directory, StoreShards shards, WebhookSubscriptions subscriptions, TimeProvider time,
    IOptions<TokenImOptions> options, ILogger<WebhookEndpointService> logger)
{
    public static readonly Failure NotFound = new(ErrorCode.WebhookNotFound, "No such webhook endpoint.");

    private bool AllowPrivate => options.Value.Webhooks.AllowPrivateNetworks;

    public async Task<Result<CreatedWebhookEndpoint>> CreateAsync(CreateWebhookEndpointRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (WebhookEndpointRules.CheckUrl(request.Url, AllowPrivate) is { } urlError)
            errors["url"] = [urlError];
        if (WebhookEndpointRules.CheckEvents(request.Events) is { } eventsError)
            errors["events"] = [eventsError];
        if (request.Description is { Length: > WebhookEndpointRules.MaxDescriptionLength })
            errors["description"] = [$"At most {WebhookEndpointRules.MaxDescriptionLength} characters."];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var endpoint = new WebhookEndpointEntity
        {
            Id = "we_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Url = request.Url!,
            Events = WebhookEndpointRules.Join(request.Events!),
            Description = string.IsNullOrEmpty(request.Description) ? null : request.Description,
            Secret = WebhookSignature.NewSecret(),
            Enabled = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using (var db = directory())
        {
            db.WebhookEndpoints.Add(endpoint);
            await db.SaveChangesAsync(cancellationToken);
        }

        await ChangedAsync(cancellationToken);
        LogCreated(logger, endpoint.Id, endpoint.Events);
        return new CreatedWebhookEndpoint(ToDto(endpoint), endpoint.Secret);
    }

    public async Task<WebhookEndpointList> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = directory();
        var endpoints = await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        return new WebhookEndpointList([.. endpoints.Select(ToDto)]);
    }

    public async Task<Result<WebhookEndpointDto>> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = directory();
        return await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken) is { } endpoint ? ToDto(endpoint) : NotFound;
    }

    public async Task<Result<WebhookEndpointDto>> UpdateAsync(string id, UpdateWebhookEndpointRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Url is not null && WebhookEndpointRules.CheckUrl(request.Url, AllowPrivate) is { } urlError)
            errors["url"] = [urlError];
        if (request.Events is not null && WebhookEndpointRules.CheckEvents(request.Events) is { } eventsError)
            errors["events"] = [eventsError];
        if (request.Description is { Length: > WebhookEndpointRules.MaxDescriptionLength })
            errors["description"] = [$"At most {WebhookEndpointRules.MaxDescriptionLength} characters."];
        if (errors.Count > 0)
            return Failure.Validation(errors);

        await using var db = directory();
        if (await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, cancellationToken) is not { } endpoint)
            return NotFound;
        endpoint.Url = request.Url ?? endpoint.Url;
        endpoint.Events = request.Events is null ? endpoint.Events : WebhookEndpointRules.Join(request.Events);
        endpoint.Enabled = request.Enabled ?? endpoint.Enabled;
        endpoint.Description = request.Description is null ? endpoint.Description : request.Description.Length == 0 ? null : request.Description;
        endpoint.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(cancellationToken);
        return ToDto(endpoint);
    }

    public async Task<Result<CreatedWebhookEndpoint>> RollSecretAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = directory();
        if (await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, cancellationToken) is not { } endpoint)
            return NotFound;
        endpoint.Secret = WebhookSignature.NewSecret();
        endpoint.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(cancellationToken);
        LogSecretRolled(logger, id);
        return new CreatedWebhookEndpoint(ToDto(endpoint), endpoint.Secret);
    }

    /// <summary>Deletes the endpoint, then its deliveries on every database (pending ones are not sent any more).</summary>
    public async Task<Outcome> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using (var db = directory())
        {
            if (await db.WebhookEndpoints.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
                return NotFound;
        }

        await ChangedAsync(cancellationToken);
        foreach (var shard in shards.All.Append(shards.Directory).Distinct())
        {
            await using var db = shard.Create();
            await db.WebhookDeliveries.Where(d => d.EndpointId == id).ExecuteDeleteAsync(cancellationToken);
        }

        LogDeleted(logger, id);
        return Outcome.Ok;
    }

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await subscriptions.RefreshAsync(cancellationToken);
        await subscriptions.PublishChangedAsync(CancellationToken.None);
    }

    public static WebhookEndpointDto ToDto(WebhookEndpointEntity e) => new(
        e.Id, e.Url, [.. WebhookEndpointRules.TypesOf(e)], e.Description, e.Enabled,
        DateTimeOffset.FromUnixTimeMilliseconds(e.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(e.UpdatedAt));

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} created for {Events}")]
    private static partial void LogCreated(ILogger logger, string endpointId, string events);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} deleted")]
    private static partial void LogDeleted(ILogger logger, string endpointId);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} secret rolled")]
    private static partial void LogSecretRolled(ILogger logger, string endpointId);
}
