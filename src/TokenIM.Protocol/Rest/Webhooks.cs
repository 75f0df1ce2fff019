namespace TokenIM.Protocol.Rest;

// The server API's webhook endpoints and their delivery log (/api/v1/server/webhooks/…), scope webhooks:manage.

/// <summary>Body of <c>POST /api/v1/server/webhooks</c>.</summary>
/// <param name="Url">Where events are POSTed: an absolute <c>http</c> or <c>https</c> URL, at most 2,048 characters.</param>
/// <param name="Events">The event types to receive (see <c>WebhookEventTypes</c>), at least one, each once.</param>
/// <param name="Description">What the endpoint is for, up to 256 characters. Optional.</param>
public sealed record CreateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? Events, string? Description = null);

/// <summary>Body of <c>PATCH /api/v1/server/webhooks/{id}</c>: only the fields present change.</summary>
/// <param name="Url">The new URL.</param>
/// <param name="Events">The new list of event types.</param>
/// <param name="Enabled">False pauses the endpoint: no new events are queued for it and its pending ones wait.</param>
/// <param name="Description">The new description; an empty string removes it.</param>
public sealed record UpdateWebhookEndpointRequest(string? Url = null, IReadOnlyList<string>? Events = null, bool? Enabled = null, string? Description = null);

/// <summary>A webhook endpoint, without its secret.</summary>
/// <param name="Id">Opaque id (<c>we_…</c>).</param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Events">The subscribed event types.</param>
/// <param name="Description">What it is for, when set.</param>
/// <param name="Enabled">Whether events are delivered to it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed (its secret rolled included).</param>
public sealed record WebhookEndpointDto(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Answer to creating an endpoint or rolling its secret: the secret is shown in this answer only.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Secret">The signing secret (<c>whsec_…</c>): verify each request's <c>TokenIM-Signature</c> with it. Store it now.</param>
public sealed record CreatedWebhookEndpoint(WebhookEndpointDto Endpoint, string Secret);

/// <summary>Answer to <c>GET /api/v1/server/webhooks</c>: every endpoint, oldest first.</summary>
/// <param name="Endpoints">The endpoints.</param>
public sealed record WebhookEndpointList(IReadOnlyList<WebhookEndpointDto> Endpoints);

/// <summary>One event's delivery to one endpoint, as the delivery log shows it.</summary>
/// <param name="Id">The delivery id (<c>dlv_…</c>), for a retry.</param>
/// <param name="EventId">The event's id: the <c>TokenIM-Event-Id</c> header and the body's <c>id</c>.</param>
/// <param name="EventType">The event's type.</param>
/// <param name="State"><c>pending</c> (waiting or retrying), <c>delivered</c> (a 2xx answer) or <c>dead</c> (gave up after the maximum attempts).</param>
/// <param name="Attempts">Requests made so far.</param>
/// <param name="LastStatusCode">The HTTP status of the last answer, when there was one.</param>
/// <param name="LastError">Why the last attempt failed without an answer (timeout, connection refused), when it did.</param>
/// <param name="LastAttemptAt">When the last request was made.</param>
/// <param name="NextAttemptAt">When the next attempt is due (pending deliveries only).</param>
/// <param name="CreatedAt">When the delivery was queued.</param>
public sealed record WebhookDeliveryDto(
    string Id,
    string EventId,
    string EventType,
    string State,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt);

/// <summary>Answer to <c>GET /api/v1/server/webhooks/{id}/deliveries</c>: newest first.</summary>
/// <param name="Deliveries">Up to <c>limit</c> deliveries.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next (older) page; absent on the last page.</param>
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryDto> Deliveries, string? NextCursor);
