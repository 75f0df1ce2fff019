using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Social;

/// <summary>Replies, forwards, settings and blocks over plain REST, for the tests of this folder.</summary>
internal static class SocialTestHelpers
{
    public static Task<HttpResponseMessage> SendWithAsync(this TestUser user, string conversationId, SendMessageRequest request) =>
        user.PostJsonAsync($"{ChatTestHelpers.Conversations}/{conversationId}/messages", request);

    public static async Task<MessageDto> ReplyOkAsync(this TestUser user, string conversationId, string text, string replyToId) =>
        await (await user.SendWithAsync(conversationId, new SendMessageRequest(Guid.NewGuid().ToString("N"), text, ReplyToId: replyToId)))
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> ForwardAsync(this TestUser user, string conversationId, string fromConversationId, string messageId) =>
        user.SendWithAsync(conversationId, new SendMessageRequest(Guid.NewGuid().ToString("N"), null, ForwardOf: new MessageRefDto(fromConversationId, messageId)));

    public static Task<HttpResponseMessage> SettingsAsync(this TestUser user, string conversationId, ConversationSettingsRequest settings) =>
        user.Client.PatchJsonAsync($"{ChatTestHelpers.Conversations}/{conversationId}/settings", settings);

    public static Task<HttpResponseMessage> BlockAsync(this TestUser user, string userId) =>
        user.Client.PutAsync($"/api/v1/users/{userId}/block", null, TestContext.Current.CancellationToken);

    public static async Task<IReadOnlyList<ConversationDto>> ListAsync(this TestUser user) =>
        (await user.GetOkAsync<ConversationList>(ChatTestHelpers.Conversations)).Conversations;

    public static async Task<ConversationDto> DirectAsync(this TestUser user, string peerId)
    {
        var response = await user.CreateDirectAsync(peerId);
        return await response.ReadAsync<ConversationDto>(response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created);
    }

    /// <summary>
    /// Makes a message a tombstone the way a recall leaves it (text emptied, recall columns set), straight in the
    /// database: the recall route is another feature's, and these tests only need its result.
    /// </summary>
    public static async Task RecallInDatabaseAsync(this TokenImFactory factory, string conversationId, long seq, string byUserId)
    {
        await using var db = factory.Services.GetRequiredService<StoreShards>().For(conversationId).Create();
        await db.Messages.Where(m => m.ConversationId == conversationId && m.Seq == seq)
            .ExecuteUpdateAsync(
                set => set.SetProperty(m => m.Text, "").SetProperty(m => m.RecalledAt, 1L).SetProperty(m => m.RecalledBy, byUserId).SetProperty(m => m.Mentions, (string?)null),
                TestContext.Current.CancellationToken);
    }
}
