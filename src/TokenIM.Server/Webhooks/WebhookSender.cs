using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>The outcome of one request: delivered (a 2xx), or why not.</summary>
internal readonly record struct WebhookAttempt(bool Delivered, int? StatusCode, string? Error);

/// <summary>
/// One signed POST of a stored event body to one endpoint. The signature is made at send time (its <c>t</c> is now),
/// so each retry carries a fresh one and a receiver's replay window holds for retries too.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "TokenIM.Webhooks";
    public const string UserAgent = "TokenIM-Webhooks/1";

    public async Task<WebhookAttempt> SendAsync(WebhookEndpointEntity endpoint, string eventId, string eventType, string payload, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(endpoint.Secret, time.GetUtcNow(), body));
        request.Headers.TryAddWithoutValidation("TokenIM-Event-Id", eventId);
        request.Headers.TryAddWithoutValidation("TokenIM-Event-Type", eventType);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return new WebhookAttempt(status is >= 200 and < 300, status, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : e.HttpRequestError.ToString();
            return new WebhookAttempt(false, null, $"connection failed: {reason}");
        }
    }

    /// <summary>
    /// The handler of the webhook client: no redirects (a 3xx is a failed attempt, so a receiver cannot bounce the
    /// request inward), no cookies, and — unless private networks are allowed — a connect step that refuses internal
    /// addresses after DNS, so a public name that resolves to one is refused too.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<TokenImOptions>>().Value.Webhooks;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = settings.Timeout,
        };
        if (!settings.AllowPrivateNetworks)
            handler.ConnectCallback = ConnectPublicOnlyAsync;
        return handler;
    }

    private static async ValueTask<Stream> ConnectPublicOnlyAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(a => !WebhookEndpointRules.IsInternal(a)).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{context.DnsEndPoint.Host} resolves to internal addresses only, which TokenIM:Webhooks:AllowPrivateNetworks=false refuses.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
