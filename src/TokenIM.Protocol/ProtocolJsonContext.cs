using System.Text.Json;
using System.Text.Json.Serialization;
using TokenIM.Protocol.Hooks;
using TokenIM.Protocol.Rest;
using TokenIM.Protocol.Webhooks;
using TokenIM.Protocol.Ws;

namespace TokenIM.Protocol;

/// <summary>
/// Source-generated JSON metadata for every protocol record: camelCase names, nulls omitted, numbers only as JSON
/// numbers (never "5"), timestamps in the protocol's fixed form. Servers and clients use <see cref="Default"/>.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(UserDto))]
[JsonSerializable(typeof(UserList))]
[JsonSerializable(typeof(UpdateProfileRequest))]
[JsonSerializable(typeof(CreateConversationRequest))]
[JsonSerializable(typeof(UpdateConversationRequest))]
[JsonSerializable(typeof(AddMembersRequest))]
[JsonSerializable(typeof(UpdateMemberRequest))]
[JsonSerializable(typeof(ConversationDto))]
[JsonSerializable(typeof(ConversationList))]
[JsonSerializable(typeof(MemberList))]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(ChangePage))]
[JsonSerializable(typeof(SearchPage))]
[JsonSerializable(typeof(AttachmentDto))]
[JsonSerializable(typeof(AttachmentLinkDto))]
[JsonSerializable(typeof(ConversationSettingsRequest))]
[JsonSerializable(typeof(ReadRequest))]
[JsonSerializable(typeof(ProblemDto))]
[JsonSerializable(typeof(JsonWebKeySetDto))]
[JsonSerializable(typeof(SigningKeyList))]
[JsonSerializable(typeof(ServerUserPage))]
[JsonSerializable(typeof(ServerStatsDto))]
[JsonSerializable(typeof(NodeStatsDto))]
[JsonSerializable(typeof(DiagnosticsDto))]
[JsonSerializable(typeof(ServerCreateUserRequest))]
[JsonSerializable(typeof(ServerUpdateUserRequest))]
[JsonSerializable(typeof(ServerUserDto))]
[JsonSerializable(typeof(ServerConversationDto))]
[JsonSerializable(typeof(ServerCreateConversationRequest))]
[JsonSerializable(typeof(ServerAddMembersRequest))]
[JsonSerializable(typeof(ServerSendMessageRequest))]
[JsonSerializable(typeof(BeforeSendHookRequest))]
[JsonSerializable(typeof(BeforeSendHookResponse))]
[JsonSerializable(typeof(WebhookEvent))]
[JsonSerializable(typeof(CreateWebhookEndpointRequest))]
[JsonSerializable(typeof(UpdateWebhookEndpointRequest))]
[JsonSerializable(typeof(WebhookEndpointDto))]
[JsonSerializable(typeof(CreatedWebhookEndpoint))]
[JsonSerializable(typeof(WebhookEndpointList))]
[JsonSerializable(typeof(WebhookDeliveryDto))]
[JsonSerializable(typeof(WebhookDeliveryPage))]
[JsonSerializable(typeof(MintTokenRequest))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(ApiKeyList))]
[JsonSerializable(typeof(AuthFrame))]
[JsonSerializable(typeof(RefreshFrame))]
[JsonSerializable(typeof(SendFrame))]
[JsonSerializable(typeof(SyncFrame))]
[JsonSerializable(typeof(ReadFrame))]
[JsonSerializable(typeof(TypingFrame))]
[JsonSerializable(typeof(PingFrame))]
[JsonSerializable(typeof(ReadyEvent))]
[JsonSerializable(typeof(OkEvent))]
[JsonSerializable(typeof(AckEvent))]
[JsonSerializable(typeof(SyncedEvent))]
[JsonSerializable(typeof(PongEvent))]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(ChangedEvent))]
[JsonSerializable(typeof(HiddenEvent))]
[JsonSerializable(typeof(ReceiptEvent))]
[JsonSerializable(typeof(TypingEvent))]
[JsonSerializable(typeof(PresenceEvent))]
[JsonSerializable(typeof(ConversationEvent))]
[JsonSerializable(typeof(ErrorEvent))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
