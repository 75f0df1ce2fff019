using System.Net;
using System.Net.Http.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Faults;

/// <summary>
/// Sends whose acknowledgement is lost on the way back — the server committed, the client saw a reset connection —
/// are resent with the same clientMsgId, as the protocol says. A TCP fault proxy swallows a seeded 10 % of the
/// replies. Nothing may be stored twice or go missing, and seqs stay gap-free. CI sends 500 messages;
/// <c>TOKENIM_FULL_SIZES=1</c> sends 10,000 as the full size.
/// </summary>
public sealed class LostAckTests
{
    private static readonly int s_messages = Environment.GetEnvironmentVariable("TOKENIM_FULL_SIZES") == "1" ? 10_000 : 500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_TenPercentOfAcksLost_ResentByClientMsgId_StoredOnceEachGapFree()
    {
        await using var server = new LiveTokenImFactory();
        var (alice, bob) = (await server.RegisterAsync(), await server.RegisterAsync());
        var conversation = await (await alice.CreateDirectAsync(bob.Id)).ReadAsync<ConversationDto>(HttpStatusCode.Created);
        var random = new Random(20261127);
        var drops = Enumerable.Range(0, s_messages * 3).Select(_ => random.NextDouble() < 0.10).ToArray();
        await using var proxy = new TcpFaultProxy(new IPEndPoint(IPAddress.Loopback, server.Port)) { DropReplies = n => n < drops.Length && drops[n] };
        // A connection per request, so that swallowing one connection's reply loses exactly one ack.
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{proxy.Port}/"),
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", alice.Tokens.AccessToken);

        var acks = new Dictionary<string, MessageDto>();
        var attempts = 0;
        for (var i = 0; i < s_messages; i++)
        {
            var clientMsgId = $"lost-ack-{i}";
            for (var attempt = 1; ; attempt++)
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{conversation.Id}/messages")
                {
                    Content = JsonContent.Create(new SendMessageRequest(clientMsgId, $"message {i}"), options: Api.Json),
                };
                request.Headers.ConnectionClose = true;
                try
                {
                    using var response = await client.SendAsync(request, Ct);
                    Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{clientMsgId}: {response.StatusCode}");
                    acks[clientMsgId] = (await response.Content.ReadFromJsonAsync<MessageDto>(Api.Json, Ct))!;
                    break;
                }
                catch (HttpRequestException) when (attempt < 20)
                {
                    // The ack was lost (or the request never arrived): send it again, same clientMsgId.
                }
            }
        }

        var stored = new List<MessageDto>();
        for (long after = 0; ; after = stored[^1].Seq)
        {
            var page = await alice.PageAsync(conversation.Id, $"?afterSeq={after}&limit=100");
            stored.AddRange(page.Messages);
            if (!page.HasMore)
                break;
        }

        var byClientId = stored.GroupBy(m => m.ClientMsgId).ToDictionary(g => g.Key, g => g.ToList());
        var duplicated = byClientId.Values.Sum(g => g.Count - 1);
        var lost = acks.Keys.Count(id => !byClientId.ContainsKey(id));
        var seqGaps = stored.Select((m, index) => m.Seq != index + 1).Count(gap => gap);
        var mismatched = acks.Count(a => byClientId.TryGetValue(a.Key, out var s) && (s[0].Id != a.Value.Id || s[0].Seq != a.Value.Seq));
        Figures.Print(
            $"lost-acks: attempted={s_messages} requests={attempts} acks_dropped={proxy.Dropped} acked={acks.Count} stored={stored.Count} " +
            $"duplicated={duplicated} lost={lost} seq_gaps={seqGaps} ack_mismatches={mismatched}");
        Assert.True(proxy.Dropped > s_messages / 20, $"the proxy dropped only {proxy.Dropped} replies");
        Assert.Equal(s_messages, acks.Count);
        Assert.Equal(s_messages, stored.Count);
        Assert.Equal((0, 0, 0, 0), (duplicated, lost, seqGaps, mismatched));
    }
}
