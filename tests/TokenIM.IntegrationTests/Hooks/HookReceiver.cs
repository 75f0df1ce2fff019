using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TokenIM.IntegrationTests.Hooks;

/// <summary>
/// The app's side of the before-send hook, as a test sees it: a real Kestrel server on 127.0.0.1 (port 0) that
/// records every request (body and signature header) and answers with <see cref="Answer"/>.
/// </summary>
internal sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(byte[] Body, string? Signature)> _calls = [];

    private HookReceiver(WebApplication app) => _app = app;

    /// <summary>Answers one call: the request body and the request's abort token, to the status and body to send.</summary>
    public Func<byte[], CancellationToken, Task<(int Status, string Body)>> Answer { get; set; } =
        (_, _) => Task.FromResult((200, """{"action":"allow"}"""));

    public string Url => _app.Urls.First() + "/hook";

    public IReadOnlyList<(byte[] Body, string? Signature)> Calls
    {
        get
        {
            lock (_calls)
                return [.. _calls];
        }
    }

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new HookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            lock (receiver._calls)
                receiver._calls.Add((body, context.Request.Headers["TokenIM-Signature"].ToString()));
            var (status, answer) = await receiver.Answer(body, context.RequestAborted);
            return Results.Text(answer, "application/json", statusCode: status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>An answer in JSON.</summary>
    public static Task<(int Status, string Body)> Json(string body) => Task.FromResult((200, body));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
