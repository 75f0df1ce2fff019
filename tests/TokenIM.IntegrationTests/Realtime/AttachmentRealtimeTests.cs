using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>A file sent over the socket reaches the other members live, with its attachment.</summary>
public sealed class AttachmentRealtimeTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan Timeout = SdkDevice.Timeout;

    [Fact]
    public async Task SendAsync_WithAttachment_OtherMemberGetsItLiveAndInHistory()
    {
        await using var alice = await SdkDevice.RegisterAsync(factory, seed: 11);
        await using var bob = await SdkDevice.RegisterAsync(factory, seed: 12);
        var conversation = await alice.Rest.CreateDirectConversationAsync(bob.UserId);
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        var uploaded = await alice.Rest.UploadAttachmentAsync(conversation.Id, new MemoryStream(AttachmentFiles.Png(64, 32)), "live.png");

        var ack = await alice.Realtime.SendAsync(conversation.Id, new SendMessageRequest(null, "look", AttachmentId: uploaded.Id)).WaitAsync(Timeout);
        await bob.Log.WaitForAsync(conversation.Id, 1, Timeout, "bob");

        var live = bob.Log.Of(conversation.Id).Single();
        Assert.Equal((ack.MessageId, "look", uploaded), (live.Id, live.Text, live.Attachment));
        Assert.Equal((64, 32, true), (live.Attachment!.Width, live.Attachment.Height, live.Attachment.Thumbnail));
        Assert.Equal(uploaded, (await bob.StoredMessagesAsync(conversation.Id)).Single().Attachment);
    }
}
