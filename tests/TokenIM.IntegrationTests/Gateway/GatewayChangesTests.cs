using System.Net.Http.Json;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Gateway;

/// <summary>The change cursor on the socket: live <c>changed</c> events and <c>sync</c> with <c>afterChangeSeq</c>.</summary>
public sealed class GatewayChangesTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Edit_ReachesEveryMembersSocketAsChanged_AndSyncWithAfterChangeSeqAnswersTheChanges()
    {
        var (a, b, conversationId) = await factory.PairAsync();
        await using var socket = await factory.OpenAsync(b);
        var sent = await a.SendManyAsync(conversationId, 2);

        var edited = await (await a.Client.PatchAsJsonAsync($"{ChatTestHelpers.Conversations}/{conversationId}/messages/{sent[1].Id}", new EditMessageRequest("second, edited"), Api.Json, Ct)).ReadAsync<MessageDto>();
        var changed = (await socket.ReceiveOpAsync("changed")).GetProperty("message");
        await socket.SendAsync(new { op = "sync", id = "s1", conversationId, afterSeq = 2, afterChangeSeq = 0 });
        var synced = await socket.ReceiveOpAsync("synced");
        await socket.SendAsync(new { op = "sync", id = "s2", conversationId, afterSeq = 0, limit = 1 });
        var plain = await socket.ReceiveOpAsync("synced");

        Assert.Equal((sent[1].Id, "second, edited", 1L), (changed.Str("id"), changed.Str("text"), changed.Long("changeSeq")));
        Assert.Equal(1L, edited.ChangeSeq);
        Assert.Empty(synced.GetProperty("messages").EnumerateArray());
        Assert.Equal([sent[1].Id], synced.GetProperty("changes").EnumerateArray().Select(m => m.Str("id")));
        Assert.False(synced.GetProperty("hasMoreChanges").GetBoolean());
        Assert.False(plain.TryGetProperty("changes", out _));
    }
}
