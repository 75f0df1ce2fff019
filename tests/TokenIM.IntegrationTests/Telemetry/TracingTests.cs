using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Gateway;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Gateway;
using TokenIM.Server.Telemetry;

namespace TokenIM.IntegrationTests.Telemetry;

/// <summary>
/// Spans of a live server with an OTLP endpoint set (a closed port: nothing is received, the spans are read in the
/// process), seen by a real <see cref="ActivityListener"/>: a REST send and a socket send each make one recorded span
/// with the expected name and tags, the socket's upgrade request is not recorded, and no span holds the message text.
/// </summary>
public sealed class TracingTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Spans_RestAndSocketSends_NamedAndTaggedWithoutText()
    {
        // Only this server has a tracer, and only it samples (records) spans; but a tracer listens by source name, so it
        // records the spans of other tests' servers in this process too: this server's are told by their ids.
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is TokenImTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = activity =>
            {
                if (activity.Recorded)
                    stopped.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var factory = new LiveTokenImFactory();
        factory.Settings["TokenIM:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{LiveTokenImFactory.FreePort()}";
        factory.Settings["TokenIM:Telemetry:OtlpProtocol"] = "http/protobuf";
        var (a, b, conversationId) = await factory.PairAsync();
        const string socketText = "socket secret 7f3a";
        const string restText = "rest secret 91c2";

        await using (var sender = await factory.OpenAsync(a))
        await using (var receiver = await factory.OpenAsync(b))
        {
            await GatewayHelpers.SettleAsync(sender, receiver);
            await sender.SendAckedAsync(conversationId, socketText, "trace-1", "t1");
            await a.SendOkAsync(conversationId, restText);
        }

        // The sockets' upgrade requests end with their sockets; a request made after that ends after them.
        var gateway = factory.Services.GetRequiredService<GatewayLifetime>();
        await Until(() => gateway.OpenCount == 0);
        await a.GetAsync("/api/v1/users/me");
        await Until(() => stopped.Any(s => (s.GetTagItem("http.route") as string) == "/api/v1/users/me"));

        var socketSend = Assert.Single(stopped, s => s.DisplayName == "ws send" && (s.GetTagItem(TokenImTracing.ConversationTag) as string) == conversationId);
        Assert.Equal(TokenImTracing.SourceName, socketSend.Source.Name);
        Assert.Equal(ActivityKind.Server, socketSend.Kind);
        Assert.Null(socketSend.Parent);
        Assert.Equal(("send", "ok", conversationId), (socketSend.GetTagItem(TokenImTracing.OpTag), socketSend.GetTagItem(TokenImTracing.OutcomeTag), socketSend.GetTagItem(TokenImTracing.ConversationTag)));
        var restSend = Assert.Single(stopped, s => (s.GetTagItem("url.path") as string) == $"/api/v1/conversations/{conversationId}/messages");
        Assert.Equal("/api/v1/conversations/{id}/messages", restSend.GetTagItem("http.route"));
        Assert.Equal(("POST", 201), (restSend.GetTagItem("http.request.method"), restSend.GetTagItem("http.response.status_code")));
        Assert.Contains(stopped, s => s.DisplayName == "store commit" && s.GetTagItem(TokenImTracing.BatchSizeTag) is int);
        Assert.DoesNotContain(stopped, s => (s.GetTagItem("http.route") as string) == GatewayEndpoint.Path || (s.GetTagItem("url.path") as string) == GatewayEndpoint.Path);
        foreach (var span in stopped)
        {
            var text = string.Join('\n', span.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(span.DisplayName).Concat(span.Events.Select(e => e.Name)));
            Assert.False(text.Contains(socketText, StringComparison.Ordinal) || text.Contains(restText, StringComparison.Ordinal), $"Span {span.DisplayName} holds message text:\n{text}");
            Assert.DoesNotContain(a.Tokens.AccessToken, text, StringComparison.Ordinal);
        }
    }

    private static async Task Until(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < s_deadline, "The condition did not hold within the deadline.");
            await Task.Delay(20, Ct);
        }
    }
}
