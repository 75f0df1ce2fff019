namespace TokenIM.Server.Hosting;

/// <summary>
/// Holds request bodies to <see cref="HostingExtensions.MaxJsonBodyBytes"/> on every host: a declared length over
/// the limit is refused before reading, and a body without one (chunked) is cut off when it passes the limit.
/// Kestrel has the same limit configured; test hosts and other servers do not. It also marks a body Kestrel cut off for
/// arriving too slowly: the endpoint's binder reports any failed read as a plain 400, and this one deserves its 408.
/// </summary>
internal sealed class BodySizeLimit(RequestDelegate next)
{
    private static readonly object s_timedOut = new();

    /// <summary>True when Kestrel cut this request's body off for arriving under the minimum data rate.</summary>
    public static bool BodyTimedOut(HttpContext context) => context.Items.ContainsKey(s_timedOut);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<StreamedBody>() is not null)
        {
            // The endpoint streams the body and holds it to its own limit (an upload's 25 MiB), answering its own 413.
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                bodyLimit.MaxRequestBodySize = null;
            return next(context);
        }

        var limit = HostingExtensions.MaxJsonBodyBytes;
        if (context.Request.ContentLength > limit)
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        if (context.Request.ContentLength != 0)
            context.Request.Body = new LimitedStream(context, context.Request.Body, context.Request.ContentLength is null ? limit : long.MaxValue);
        return next(context);
    }

    private sealed class LimitedStream(HttpContext context, Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return Count(await inner.ReadAsync(buffer, cancellationToken));
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
            {
                context.Items[s_timedOut] = true;
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}

/// <summary>Endpoint metadata: the endpoint streams its body and enforces its own size limit, so the 64 KiB JSON limit does not apply.</summary>
internal sealed class StreamedBody;
