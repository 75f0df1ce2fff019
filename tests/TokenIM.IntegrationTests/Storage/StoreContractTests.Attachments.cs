using Microsoft.Extensions.DependencyInjection;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of <see cref="IAttachmentStore"/>: rows on the conversation's shard, and the cross-shard questions of downloads and the cleanup.</summary>
public abstract partial class StoreContractTests
{
    private IAttachmentStore Attachments => fixture.ServerServices.GetRequiredService<IAttachmentStore>();

    [Fact]
    public async Task FindAttachmentAnywhereAsync_RowOnAnyShard_IsFoundByIdAlone()
    {
        var owner = await NewUserAsync();
        // Several conversations, so that with shards they spread over more than one.
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
            ids.Add(await NewGroupAsync([owner]));
        var rows = ids.Select(id => NewAttachment(id, owner, BlobKey($"anywhere-{id}"), createdAt: 1_000)).ToList();
        foreach (var row in rows)
            await Attachments.AddAttachmentAsync(row, Ct);

        foreach (var row in rows)
            Assert.Equal(row.ConversationId, (await Attachments.FindAttachmentAnywhereAsync(row.Id, Ct))?.ConversationId);
        Assert.Null(await Attachments.FindAttachmentAnywhereAsync(ChatRules.NewId(), Ct));
        // In its own conversation only.
        Assert.Null(await Attachments.FindAttachmentAsync(ids[1], rows[0].Id, Ct));
    }

    [Fact]
    public async Task DeleteUnsentAttachmentsAsync_OldUnsentAndSent_DeletesOnlyTheUnsentAndTellsWhetherTheBlobIsReferenced()
    {
        var owner = await NewUserAsync();
        var id = await NewGroupAsync([owner]);
        var shared = BlobKey($"shared-{id}");
        var unsent = NewAttachment(id, owner, shared, createdAt: 1_000);
        var sent = NewAttachment(id, owner, BlobKey($"sent-{id}"), createdAt: 1_000);
        var young = NewAttachment(id, owner, BlobKey($"young-{id}"), createdAt: 9_000);
        var alsoShared = NewAttachment(id, owner, shared, createdAt: 9_000);
        foreach (var row in new[] { unsent, sent, young, alsoShared })
            await Attachments.AddAttachmentAsync(row, Ct);
        // Sent, but the hint was never set (a crash after the commit): the message's own column still keeps it.
        var send = Send(id, owner) with { Extras = new MessageExtras(AttachmentId: sent.Id) };
        Assert.Equal(AppendStatus.Created, (await Chat.AppendAsync([send], createdAt: 2_000, Ct))[0].Status);
        Assert.Equal((owner, send.ClientMsgId), await Attachments.FindAttachmentSenderAsync(id, sent.Id, Ct));
        Assert.Null(await Attachments.FindAttachmentSenderAsync(id, unsent.Id, Ct));

        var deleted = await Attachments.DeleteUnsentAttachmentsAsync(createdBefore: 5_000, max: 1_000, Ct);

        Assert.Contains(unsent.Id, deleted.Select(a => a.Id));
        Assert.DoesNotContain(sent.Id, deleted.Select(a => a.Id));
        Assert.Equal(new[] { sent.Id, young.Id, alsoShared.Id }.Order(StringComparer.Ordinal),
            (await Attachments.GetAttachmentsAsync(id, [unsent.Id, sent.Id, young.Id, alsoShared.Id], Ct)).Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.True(await Attachments.IsBlobReferencedAsync(shared, Ct));
        // A second pass (another node) finds nothing more of these.
        Assert.DoesNotContain(unsent.Id, (await Attachments.DeleteUnsentAttachmentsAsync(createdBefore: 5_000, max: 1_000, Ct)).Select(a => a.Id));
        Assert.Null(await Attachments.DeleteAttachmentIfUnsentAsync(id, sent.Id, Ct));
        Assert.Equal(young.Id, (await Attachments.DeleteAttachmentIfUnsentAsync(id, young.Id, Ct))?.Id);
        Assert.False(await Attachments.IsBlobReferencedAsync(young.BlobKey, Ct));
    }

    [Fact]
    public async Task MarkAttachmentSentAsync_SetsTheHint()
    {
        var owner = await NewUserAsync();
        var id = await NewGroupAsync([owner]);
        var row = NewAttachment(id, owner, BlobKey($"hint-{id}"), createdAt: 1_000);
        await Attachments.AddAttachmentAsync(row, Ct);

        await Attachments.MarkAttachmentSentAsync(id, row.Id, 7, Ct);

        Assert.Equal(7, (await Attachments.FindAttachmentAsync(id, row.Id, Ct))?.MessageSeq);
        // With the hint set, the cleanup does not even consider it.
        Assert.DoesNotContain(row.Id, (await Attachments.DeleteUnsentAttachmentsAsync(createdBefore: 5_000, max: 1_000, Ct)).Select(a => a.Id));
    }

    private static AttachmentEntity NewAttachment(string conversationId, string uploaderId, string blobKey, long createdAt) => new()
    {
        Id = ChatRules.NewId(),
        ConversationId = conversationId,
        UploaderId = uploaderId,
        Name = "file.bin",
        ContentType = ContentSniffer.OctetStream,
        Size = 3,
        BlobKey = blobKey,
        CreatedAt = createdAt,
    };

    private static string BlobKey(string seed) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)));
}
