using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Webhooks;

namespace TokenIM.Server.Http;

internal static class ServerWebhooksApi
{
    public static void MapServerWebhooksApi(this RouteGroupBuilder server)
    {
        var webhooks = server.MapGroup("/webhooks").WithTags("Server API: webhooks");
        webhooks.MapPost("/", CreateAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("Create a webhook endpoint; its signing secret is in this answer only.");
        webhooks.MapGet("/", ListAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("Every webhook endpoint, without secrets.");
        webhooks.MapGet("/{id}", GetAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("A webhook endpoint.");
        webhooks.MapPatch("/{id}", UpdateAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("Change an endpoint's URL, events, description, or pause it (enabled: false).");
        webhooks.MapDelete("/{id}", DeleteAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("Delete an endpoint and its deliveries; pending ones are not sent.");
        webhooks.MapPost("/{id}/roll-secret", RollSecretAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("Replace the signing secret; the new one is in this answer only and signs every request from now on.");
        webhooks.MapGet("/{id}/deliveries", DeliveriesAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("The endpoint's delivery log, newest first; filter by state (pending, delivered, dead), page with cursor.");
        webhooks.MapPost("/{id}/deliveries/{deliveryId}/retry", RetryAsync).RequireScope(ServerScopes.WebhooksManage)
            .WithSummary("Queue a dead delivery again, due now, its attempts counted from zero.");
    }

    private static async Task<Results<Created<CreatedWebhookEndpoint>, ProblemHttpResult>> CreateAsync(
        CreateWebhookEndpointRequest request, WebhookEndpointService endpoints, CancellationToken cancellationToken)
    {
        var result = await endpoints.CreateAsync(request, cancellationToken);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiRoutes.Base}{ServerApi.Path}/webhooks/{result.Value!.Endpoint.Id}", result.Value)
            : result.Error!.ToProblem();
    }

    private static async Task<Ok<WebhookEndpointList>> ListAsync(WebhookEndpointService endpoints, CancellationToken cancellationToken) =>
        TypedResults.Ok(await endpoints.ListAsync(cancellationToken));

    private static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> GetAsync(string id, WebhookEndpointService endpoints, CancellationToken cancellationToken) =>
        Answer(await endpoints.GetAsync(id, cancellationToken));

    private static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> UpdateAsync(
        string id, UpdateWebhookEndpointRequest request, WebhookEndpointService endpoints, CancellationToken cancellationToken) =>
        Answer(await endpoints.UpdateAsync(id, request, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, WebhookEndpointService endpoints, CancellationToken cancellationToken)
    {
        var outcome = await endpoints.DeleteAsync(id, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CreatedWebhookEndpoint>, ProblemHttpResult>> RollSecretAsync(
        string id, WebhookEndpointService endpoints, CancellationToken cancellationToken)
    {
        var result = await endpoints.RollSecretAsync(id, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<WebhookDeliveryPage>, ProblemHttpResult>> DeliveriesAsync(
        string id, string? state, int? limit, string? cursor, WebhookDeliveryLog log, CancellationToken cancellationToken)
    {
        var result = await log.ListAsync(id, state, limit, cursor, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<WebhookDeliveryDto>, ProblemHttpResult>> RetryAsync(
        string id, string deliveryId, WebhookDeliveryLog log, CancellationToken cancellationToken)
    {
        var result = await log.RetryAsync(id, deliveryId, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static Results<Ok<WebhookEndpointDto>, ProblemHttpResult> Answer(Result<WebhookEndpointDto> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
}
