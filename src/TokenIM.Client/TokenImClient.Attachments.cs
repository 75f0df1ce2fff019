using System.Net;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Client;

public sealed partial class TokenImClient
{
    /// <summary>
    /// Uploads a file to a conversation (<c>POST /conversations/{id}/attachments</c>), streamed: the content is never
    /// held in memory. Send it next with <see cref="SendMessageRequest.AttachmentId"/>; an upload not sent within a day
    /// is deleted. The server decides the type from the bytes, not from <paramref name="name"/>. Refusals:
    /// <c>conversation_not_found</c>, <c>attachment_too_large</c> (over the server's limit, 25 MiB by default),
    /// <c>validation_failed</c> (the name).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="content">The bytes, read from its current position to its end. It is not disposed. A seekable stream can be sent again if the access token must be refreshed midway; a non-seekable one cannot.</param>
    /// <param name="name">The file name shown to members (1–255 characters; a path is cut off).</param>
    /// <param name="progress">Told the number of bytes sent so far, as they go.</param>
    /// <param name="cancellationToken">Cancels the upload; nothing is kept.</param>
    public Task<AttachmentDto> UploadAttachmentAsync(string conversationId, Stream content, string name, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(name);
        var start = content.CanSeek ? content.Position : 0;
        return SendAsync(HttpMethod.Post, $"conversations/{Segment(conversationId)}/attachments?name={Uri.EscapeDataString(name)}",
            () =>
            {
                if (content.CanSeek)
                    content.Position = start;
                return new UploadContent(content, progress);
            },
            ProtocolJsonContext.Wire.AttachmentDto, cancellationToken);
    }

    /// <summary>
    /// A short-lived link to a file's bytes, or to its thumbnail (<c>GET …/attachments/{attachmentId}/link</c>), for
    /// members. Anyone holding the link may download until <see cref="AttachmentLinkDto.ExpiresAt"/>, with no token:
    /// fine for an <c>&lt;img src&gt;</c>, but do not share it. Refusals: <c>conversation_not_found</c>,
    /// <c>attachment_not_found</c> (also when asking for the thumbnail of a file that has none).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="attachmentId">The attachment (<see cref="AttachmentDto.Id"/>).</param>
    /// <param name="thumbnail">True for the thumbnail (images only, see <see cref="AttachmentDto.Thumbnail"/>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<AttachmentLinkDto> GetAttachmentLinkAsync(string conversationId, string attachmentId, bool thumbnail = false,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get,
            $"conversations/{Segment(conversationId)}/attachments/{Segment(attachmentId)}/link{(thumbnail ? "?variant=thumbnail" : "")}",
            null, ProtocolJsonContext.Wire.AttachmentLinkDto, cancellationToken);

    /// <summary>
    /// Downloads the bytes a link names into <paramref name="destination"/> (sent without the access token: the link is
    /// the permission). Refusal: <c>invalid_link</c> (expired, or not this server's): ask for a fresh link.
    /// </summary>
    /// <param name="link">A link from <see cref="GetAttachmentLinkAsync"/>.</param>
    /// <param name="destination">Receives the bytes; not disposed.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The type the server sniffed from the bytes (for example <c>image/png</c>).</returns>
    public async Task<string?> DownloadAsync(AttachmentLinkDto link, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(destination);
        // The link is a path from the server's root; relative to BaseAddress it keeps a path prefix (https://host/im/).
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, link.Url.TrimStart('/')));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
            throw await ErrorFromAsync(response, cancellationToken).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return response.Content.Headers.ContentType?.ToString();
    }

    /// <summary>A stream as a request body, sent in chunks with progress, left open for the caller (StreamContent would dispose it).</summary>
    private sealed class UploadContent(Stream content, IProgress<long>? progress) : HttpContent
    {
        private const int ChunkSize = 64 * 1024;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[ChunkSize];
            long sent = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = content.CanSeek ? content.Length - content.Position : 0;
            return content.CanSeek;
        }
    }
}
