using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Http;

/// <summary>
/// Files: uploads to a conversation (members only), signed download links, and the download itself, which needs no
/// token (the link's signature is the permission, so <c>&lt;img src&gt;</c> works).
/// </summary>
internal static class AttachmentsApi
{
    public static RouteGroupBuilder MapAttachmentsApi(this RouteGroupBuilder api)
    {
        var attachments = api.MapGroup("/conversations/{id}/attachments").WithTags("Attachments").RequireAuthorization();
        attachments.MapPost("/", UploadAsync)
            .WithMetadata(new StreamedBody())
            // Any Content-Type (or none): the type is sniffed, so the header must not steer routing to a 415.
            .Accepts<Stream>(isOptional: true, "application/octet-stream", "*/*")
            .WithSummary("Upload a file (the raw bytes as the body); send it next with a message's attachmentId.")
            .WithDescription("The body is streamed, up to TokenIM:Attachments:MaxBytes (25 MiB by default). The type is sniffed from the content, never taken from the name or Content-Type. Images get width, height and a thumbnail. An upload not sent within a day is deleted.")
            .Produces<AttachmentDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        attachments.MapGet("/{attachmentId}/link", GetLinkAsync)
            .WithSummary("A short-lived signed link to a file's bytes, or to its thumbnail (variant=thumbnail).")
            .WithDescription("Members only. The link needs no token and works until expiresAt (TokenIM:Attachments:LinkLifetime, 5 minutes by default); do not share it.")
            .Produces<AttachmentLinkDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/files/{attachmentId}", DownloadAsync).WithTags("Attachments").AllowAnonymous()
            .WithSummary("The bytes a signed link names (no access token: the signature is the permission).")
            .WithDescription("Served with the sniffed type, X-Content-Type-Options: nosniff, and Content-Disposition: attachment except for images. Range requests are supported. A forged, altered or expired link is 403 invalid_link.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return attachments;
    }

    private static async Task<Results<Created<AttachmentDto>, ProblemHttpResult>> UploadAsync(
        string id, string? name, HttpContext context, ClaimsPrincipal user, AttachmentService files, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var result = await files.UploadAsync(user.GetUserId(), id, name, request.ContentLength, request.Body, cancellationToken);
        if (result.IsSuccess)
            return TypedResults.Created($"{ApiRoutes.Base}/conversations/{id}/attachments/{result.Value!.Id}/link", result.Value);
        // The rest of a refused body is not read: say the connection ends, or a client reuses it and its next request fails.
        if (result.Error!.Code == ErrorCode.AttachmentTooLarge)
            context.Response.Headers.Connection = "close";
        return result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AttachmentLinkDto>, ProblemHttpResult>> GetLinkAsync(
        string id, string attachmentId, string? variant, ClaimsPrincipal user, AttachmentService files, CancellationToken cancellationToken)
    {
        var result = await files.GetLinkAsync(user.GetUserId(), id, attachmentId, variant, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    private static async Task<IResult> DownloadAsync(
        string attachmentId, string? variant, long? exp, string? sig, HttpContext context, AttachmentService files, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await files.OpenAsync(attachmentId, variant, exp, sig, cancellationToken) is not { } file)
            return new Failure(ErrorCode.InvalidLink, "The link is not valid or has expired; ask for a fresh one.").ToProblem();
        var headers = context.Response.Headers;
        // The link is the permission: caches must not share it, and must not keep it past its expiry.
        var maxAge = Math.Max(0, exp!.Value - time.GetUtcNow().ToUnixTimeSeconds());
        headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"private, max-age={maxAge}");
        // Even a file a browser would render (nosniff is set for every answer) runs nothing and loads nothing.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        var disposition = new ContentDispositionHeaderValue(file.Image ? "inline" : "attachment");
        disposition.SetHttpFileName(file.Name);
        headers.ContentDisposition = disposition.ToString();
        return TypedResults.Stream(file.Content, file.ContentType, enableRangeProcessing: true);
    }
}
