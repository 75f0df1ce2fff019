using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenIM.Protocol;
using TokenIM.Protocol.Webhooks;

namespace TokenIM.IntegrationTests.Webhooks;

/// <summary>One request as the receiver saw it, with the status it answered.</summary>
internal sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredStatus)
{
    public WebhookEvent Event => JsonSerializer.Deserialize(Body, ProtocolJsonContext.Default.WebhookEvent)!;

    public bool Accepted => AnsweredStatus is >= 200 and < 300;
}

/// <summary>
/// An app's webhook receiver: a real Kestrel on 127.0.0.1, port 0, that records every request and answers with
/// <see cref="Status"/> (change it to simulate an outage and the recovery).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>What the next request is answered with. 200 unless changed.</summary>
    public int Status { get; set; } = 200;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The events answered with a 2xx, in arrival order.</summary>
    public IReadOnlyList<WebhookEvent> Accepted => [.. _received.Where(r => r.Accepted).Select(r => r.Event)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var status = receiver.Status;
            receiver._received.Enqueue(new ReceivedWebhook(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray(), status));
            context.Response.StatusCode = status;
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>Polls (bounded) until <paramref name="condition"/> holds over what was received.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition(Received))
        {
            Assert.True(deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(20)), $"Timed out waiting until {what}; received {_received.Count} requests.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
