using System.Globalization;
using System.Text;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

// Webhook endpoints and their delivery log (scope webhooks:manage). To check a received request, use
// TokenIM.Protocol.Webhooks.WebhookSignature.Verify with the endpoint's secret.
public sealed partial class TokenImServerClient
{
    /// <summary>Creates a webhook endpoint. The answer holds its signing secret, shown this once: store it.</summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="events">The event types to receive (<c>WebhookEventTypes</c>).</param>
    /// <param name="description">What it is for; optional.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="TokenImApiException"><c>validation_failed</c> for a bad URL or an unknown type.</exception>
    public Task<CreatedWebhookEndpoint> CreateWebhookAsync(string url, IReadOnlyList<string> events, string? description = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "webhooks", Json(new CreateWebhookEndpointRequest(url, events, description), s_json.CreateWebhookEndpointRequest), s_json.CreatedWebhookEndpoint, cancellationToken);

    /// <summary>Every webhook endpoint, oldest first, without secrets.</summary>
    public async Task<IReadOnlyList<WebhookEndpointDto>> ListWebhooksAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "webhooks", null, s_json.WebhookEndpointList, cancellationToken).ConfigureAwait(false)).Endpoints;

    /// <summary>One webhook endpoint.</summary>
    /// <exception cref="TokenImApiException"><c>webhook_not_found</c>.</exception>
    public Task<WebhookEndpointDto> GetWebhookAsync(string endpointId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"webhooks/{Segment(endpointId)}", null, s_json.WebhookEndpointDto, cancellationToken);

    /// <summary>Changes the fields set in <paramref name="request"/>; <c>Enabled = false</c> pauses the endpoint.</summary>
    /// <exception cref="TokenImApiException"><c>webhook_not_found</c>, <c>validation_failed</c>.</exception>
    public Task<WebhookEndpointDto> UpdateWebhookAsync(string endpointId, UpdateWebhookEndpointRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"webhooks/{Segment(endpointId)}", Json(request, s_json.UpdateWebhookEndpointRequest), s_json.WebhookEndpointDto, cancellationToken);

    /// <summary>Deletes the endpoint and its deliveries; pending ones are not sent.</summary>
    /// <exception cref="TokenImApiException"><c>webhook_not_found</c>.</exception>
    public Task DeleteWebhookAsync(string endpointId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"webhooks/{Segment(endpointId)}", null, cancellationToken);

    /// <summary>Replaces the signing secret; the answer holds the new one, which signs every request from now on.</summary>
    /// <exception cref="TokenImApiException"><c>webhook_not_found</c>.</exception>
    public Task<CreatedWebhookEndpoint> RollWebhookSecretAsync(string endpointId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"webhooks/{Segment(endpointId)}/roll-secret", null, s_json.CreatedWebhookEndpoint, cancellationToken);

    /// <summary>One page of the endpoint's delivery log, newest first.</summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <param name="state"><c>pending</c>, <c>delivered</c> or <c>dead</c>; null for all.</param>
    /// <param name="limit">1 to 100; the server's default is 50.</param>
    /// <param name="cursor">The previous page's <see cref="WebhookDeliveryPage.NextCursor"/>; null for the newest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="TokenImApiException"><c>webhook_not_found</c>, <c>validation_failed</c>.</exception>
    public Task<WebhookDeliveryPage> ListWebhookDeliveriesAsync(
        string endpointId, string? state = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        Add("state", state);
        Add("limit", limit?.ToString(CultureInfo.InvariantCulture));
        Add("cursor", cursor);
        return SendAsync(HttpMethod.Get, $"webhooks/{Segment(endpointId)}/deliveries{query}", null, s_json.WebhookDeliveryPage, cancellationToken);
    }

    /// <summary>Queues a dead delivery again, due now.</summary>
    /// <exception cref="TokenImApiException"><c>webhook_delivery_not_found</c>, <c>webhook_delivery_not_dead</c>.</exception>
    public Task<WebhookDeliveryDto> RetryWebhookDeliveryAsync(string endpointId, string deliveryId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"webhooks/{Segment(endpointId)}/deliveries/{Segment(deliveryId)}/retry", null, s_json.WebhookDeliveryDto, cancellationToken);
}
