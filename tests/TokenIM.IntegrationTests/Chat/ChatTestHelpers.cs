using System.Net;
using System.Net.Http.Json;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

/// <summary>Conversation and message calls for chat tests; every request carries the test's cancellation token.</summary>
internal static class ChatTestHelpers
{
    public const string Conversations = "/api/v1/conversations";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ConversationDto> CreateGroupAsync(this TestUser owner, string title, params TestUser[] members)
    {
        var response = await owner.Client.PostJsonAsync(Conversations, new CreateConversationRequest(ConversationTypes.Group, Title: title, MemberIds: [.. members.Select(m => m.Id)]));
        return await response.ReadAsync<ConversationDto>(HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> CreateDirectAsync(this TestUser user, string peerId) =>
        user.Client.PostJsonAsync(Conversations, new CreateConversationRequest(ConversationTypes.Direct, PeerId: peerId));

    public static Task<HttpResponseMessage> SendAsync(this TestUser user, string conversationId, string text, string? clientMsgId = null) =>
        user.Client.PostJsonAsync($"{Conversations}/{conversationId}/messages", new SendMessageRequest(clientMsgId ?? Guid.NewGuid().ToString("N"), text));

    public static async Task<MessageDto> SendOkAsync(this TestUser user, string conversationId, string text, string? clientMsgId = null) =>
        await (await user.SendAsync(conversationId, text, clientMsgId)).ReadAsync<MessageDto>(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> GetAsync(this TestUser user, string path) => user.Client.GetAsync(path, Ct);

    public static Task<HttpResponseMessage> DeleteAsync(this TestUser user, string path) => user.Client.DeleteAsync(path, Ct);

    public static async Task<T> GetOkAsync<T>(this TestUser user, string path) => await (await user.GetAsync(path)).ReadAsync<T>();

    public static Task<ConversationDto> GetConversationAsync(this TestUser user, string conversationId) =>
        user.GetOkAsync<ConversationDto>($"{Conversations}/{conversationId}");

    public static async Task<IReadOnlyList<MemberDto>> GetMembersAsync(this TestUser user, string conversationId) =>
        (await user.GetOkAsync<MemberList>($"{Conversations}/{conversationId}/members")).Members;

    public static Task<MessagePage> PageAsync(this TestUser user, string conversationId, string query = "") =>
        user.GetOkAsync<MessagePage>($"{Conversations}/{conversationId}/messages{query}");

    public static Task<HttpResponseMessage> MarkReadAsync(this TestUser user, string conversationId, long? seq) =>
        user.Client.PostJsonAsync($"{Conversations}/{conversationId}/read", new ReadRequest(seq));

    public static Task<HttpResponseMessage> AddMembersAsync(this TestUser user, string conversationId, params string[] userIds) =>
        user.Client.PostJsonAsync($"{Conversations}/{conversationId}/members", new AddMembersRequest(userIds));

    public static Task<HttpResponseMessage> RemoveMemberAsync(this TestUser user, string conversationId, string userId) =>
        user.DeleteAsync($"{Conversations}/{conversationId}/members/{userId}");

    public static Task<HttpResponseMessage> SetRoleAsync(this TestUser user, string conversationId, string userId, string role) =>
        user.Client.PatchJsonAsync($"{Conversations}/{conversationId}/members/{userId}", new UpdateMemberRequest(role));

    public static Task<HttpResponseMessage> RenameAsync(this TestUser user, string conversationId, string? title) =>
        user.Client.PatchJsonAsync($"{Conversations}/{conversationId}", new UpdateConversationRequest(title));

    /// <summary>Posts raw JSON, for bodies the typed serializer would not produce.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this TestUser user, string path, string json) =>
        user.Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

    public static async Task<string> ReadBodyAsync(this HttpResponseMessage response) => await response.Content.ReadAsStringAsync(Ct);

    public static Task<TestUser[]> RegisterManyAsync(this TokenImFactory factory, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => factory.RegisterAsync()));

    /// <summary>Sends <paramref name="count"/> messages one after another, so their order is their seq order.</summary>
    public static async Task<List<MessageDto>> SendManyAsync(this TestUser user, string conversationId, int count)
    {
        var sent = new List<MessageDto>(count);
        for (var i = 1; i <= count; i++)
            sent.Add(await user.SendOkAsync(conversationId, $"message {i}"));
        return sent;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this TestUser user, string path, T body) =>
        user.Client.PostAsJsonAsync(path, body, Api.Json, Ct);
}
