using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The log is copied back by the background checkpointer, never inside a commit.</summary>
public sealed class WalCheckpointerTests
{
    [Fact]
    public async Task Connections_AutomaticCheckpointIsOff()
    {
        await using var factory = new TokenImFactory();
        _ = factory.CreateClient();

        await using var db = factory.Services.GetRequiredService<Func<TokenImDbContext>>()();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint;";

        Assert.Equal(0L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CheckpointAsync_AfterSends_CopiesTheWholeLogBack()
    {
        // A clock that never moves: the background loop stays idle, so the log holds every commit until asked.
        await using var factory = new TokenImFactory { Clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)) };
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var conversation = await (await alice.CreateDirectAsync(bob.User.Id)).ReadAsync<Protocol.Rest.ConversationDto>(System.Net.HttpStatusCode.Created);
        for (var i = 0; i < 20; i++)
            await alice.SendOkAsync(conversation.Id, $"message {i}");

        var (log, copied) = await factory.Services.GetRequiredService<WalCheckpointer>().CheckpointAsync("PASSIVE", TestContext.Current.CancellationToken);

        Assert.True(log > 0, "the commits should still be in the log");
        Assert.Equal(log, copied);
    }
}
