using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TokenIM.Cli.Admin;
using TokenIM.Client;
using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.IntegrationTests.Realtime;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Backup;

/// <summary>
/// <c>tokenim admin backup|restore</c> on a SQLite store of a real server process: a backup taken while senders keep
/// sending, and a restore into the stopped server that clients notice by the new epoch.
/// </summary>
public sealed class SqliteBackupTests(ServerProcess server) : IClassFixture<ServerProcess>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly List<string> _folders = [];

    private string NewBackupFolder()
    {
        var folder = BackupCli.NewFolder();
        _folders.Add(folder);
        return folder;
    }

    [Fact]
    public async Task Backup_WhileSendersSend_HoldsEveryMessageAckedBeforeItGapFree()
    {
        var ct = TestContext.Current.CancellationToken;
        using var alice = await SignUpAsync("alice");
        using var bob = await SignUpAsync("bob");
        using var carol = await SignUpAsync("carol");
        var conversations = new[]
        {
            (await alice.CreateDirectConversationAsync(bob.Tokens!.User.Id, ct)).Id,
            (await alice.CreateGroupAsync("backup", [bob.Tokens!.User.Id, carol.Tokens!.User.Id], ct)).Id,
        };
        var acked = new List<MessageDto>();
        using var stop = new CancellationTokenSource();
        // Two senders per conversation, each waiting for its ack before sending on: the acked list is what the
        // server had durably stored at any moment.
        var senders = conversations.SelectMany(id => new[] { alice, bob }.Select(client => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var message = await client.SendMessageAsync(id, $"m{i}", cancellationToken: CancellationToken.None);
                lock (acked)
                    acked.Add(message);
            }
        }, CancellationToken.None))).ToList();

        await WaitUntilAsync(() => Count(acked) >= 200, "200 messages acked");
        List<MessageDto> before;
        lock (acked)
            before = [.. acked];
        var folder = NewBackupFolder();
        var report = await BackupCli.RunOkAsync("admin", "backup", "--out", folder, "--data", server.DataDirectory);
        var duringBackup = Count(acked) - before.Count;
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        Assert.True(duringBackup > 0, "the senders were not sending while the backup ran");
        await using var copy = new SqliteConnection($"Data Source={Path.Combine(folder, SqliteBackup.FileName)};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync(ct);
        Assert.Equal("ok", await ScalarAsync(copy, "PRAGMA integrity_check"));
        foreach (var id in conversations)
        {
            var rows = await RowsAsync(copy, id);
            Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.Seq)); // gap-free from 1
            var missing = before.Where(m => m.ConversationId == id && !rows.Contains((m.Seq, m.Id))).Select(m => m.Seq).ToList();
            Assert.True(missing.Count == 0, $"acked before the backup but not in it: seqs {string.Join(",", missing)}");
        }
        var manifest = await BackupManifest.ReadAsync(folder, ct);
        Assert.Equal("Sqlite", manifest.Provider);
        Assert.Equal(report.Epoch, manifest.Epoch);
        Assert.NotNull(manifest.Migration);
        Assert.Contains(manifest.Files, f => f.Path == SqliteBackup.FileName);
        Assert.Contains(manifest.Files, f => f.Path.StartsWith("keys/", StringComparison.Ordinal) && f.Path.EndsWith(".pem", StringComparison.Ordinal));
        Assert.Empty(await manifest.VerifyAsync(folder, ct));
    }

    [Fact]
    public async Task Restore_ServerRunning_RefusedAndNothingChanged()
    {
        var folder = NewBackupFolder();
        await BackupCli.RunOkAsync("admin", "backup", "--out", folder, "--data", server.DataDirectory);

        // The class shares one server, whose data directory another test restores into: compare, do not expect none.
        var setAsideBefore = BackupCli.SetAside(server.DataDirectory);
        var (exit, _, error) = await BackupCli.RunAsync("admin", "restore", "--from", folder, "--data", server.DataDirectory);

        Assert.Equal(1, exit);
        Assert.Contains("server answers", error, StringComparison.Ordinal);
        Assert.Equal(setAsideBefore, BackupCli.SetAside(server.DataDirectory));
    }

    [Fact]
    public async Task Restore_ServerRunningAdminSocketNotConfigured_RefusedAsDatabaseInUse()
    {
        var folder = NewBackupFolder();
        await BackupCli.RunOkAsync("admin", "backup", "--out", folder, "--data", server.DataDirectory);

        // Configured without the admin socket, only the database itself can tell that a server holds it.
        // The class shares one server, whose data directory another test restores into: compare, do not expect none.
        var setAsideBefore = BackupCli.SetAside(server.DataDirectory);
        var (exit, _, error) = await BackupCli.RunAsync("admin", "restore", "--from", folder, "--data", server.DataDirectory, "--TokenIM:Admin:LocalSocket=");

        Assert.Equal(1, exit);
        Assert.Contains("in use by another process", error, StringComparison.Ordinal);
        Assert.Equal(setAsideBefore, BackupCli.SetAside(server.DataDirectory));
    }

    [Fact]
    public async Task Restore_FileDiffersFromManifest_RefusedBeforeTouchingAnything()
    {
        var folder = NewBackupFolder();
        await BackupCli.RunOkAsync("admin", "backup", "--out", folder, "--data", server.DataDirectory);
        var database = Path.Combine(folder, SqliteBackup.FileName);
        var bytes = await File.ReadAllBytesAsync(database, TestContext.Current.CancellationToken);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(database, bytes, TestContext.Current.CancellationToken);

        // The class shares one server, whose data directory another test restores into: compare, do not expect none.
        var setAsideBefore = BackupCli.SetAside(server.DataDirectory);
        var (exit, _, error) = await BackupCli.RunAsync("admin", "restore", "--from", folder, "--data", server.DataDirectory);

        Assert.Equal(1, exit);
        Assert.Contains($"{SqliteBackup.FileName}: the SHA-256 differs", error, StringComparison.Ordinal);
        Assert.Equal(setAsideBefore, BackupCli.SetAside(server.DataDirectory));
    }

    [Fact]
    public async Task Restore_IntoStoppedServer_HistoryAsBackedUpAndConnectedClientResetsToNewEpoch()
    {
        await using var alice = await SdkDevice.RegisterAsync(server.BaseUri, server.NextUsername("alice"), seed: 1);
        await using var bob = await SdkDevice.RegisterAsync(server.BaseUri, server.NextUsername("bob"), seed: 2);
        var conversation = (await alice.Rest.CreateDirectConversationAsync(bob.UserId)).Id;
        for (var i = 1; i <= 5; i++)
            await alice.Rest.SendMessageAsync(conversation, $"kept {i}");
        var folder = NewBackupFolder();
        var backup = await BackupCli.RunOkAsync("admin", "backup", "--out", folder, "--data", server.DataDirectory);
        for (var i = 6; i <= 8; i++)
            await alice.Rest.SendMessageAsync(conversation, $"lost {i}");
        await bob.ConnectAsync(); // tracks the conversation from seq 8
        var epoch = bob.Realtime.Epoch;
        Assert.Equal(backup.Epoch, epoch);
        var reset = new TaskCompletionSource<StoreResetEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Realtime.StoreReset += (_, e) => reset.TrySetResult(e);

        await server.StopAsync();
        BackupReport restore;
        try
        {
            restore = await BackupCli.RunOkAsync("admin", "restore", "--from", folder, "--data", server.DataDirectory);
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.NotEqual(epoch, restore.Epoch);
        Assert.Contains(BackupCli.SetAside(server.DataDirectory), name => name.StartsWith("tokenim.db.before-restore-", StringComparison.Ordinal));
        var seen = await reset.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal((epoch, restore.Epoch), (seen.PreviousEpoch, seen.Epoch));
        await bob.WaitUntilConnectedAsync();
        Assert.Equal(restore.Epoch, bob.Realtime.Epoch);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"kept {i}"), (await bob.StoredMessagesAsync(conversation)).Select(m => m.Text));

        var next = await alice.Rest.SendMessageAsync(conversation, "after the restore");

        Assert.Equal(6, next.Seq); // given out again: the client must not take it for the old seq 6
        await bob.Log.WaitForAsync(conversation, 1, Timeout, "bob");
        Assert.Equal([(6L, "after the restore")], bob.Log.Of(conversation).Select(m => (m.Seq, m.Text)));
    }

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
            Directory.Delete(folder, recursive: true);
    }

    private async Task<TokenImClient> SignUpAsync(string prefix)
    {
        var client = new TokenImClient(server.BaseUri);
        await client.RegisterAsync(server.NextUsername(prefix), Api.DefaultPassword, cancellationToken: TestContext.Current.CancellationToken);
        return client;
    }

    private static int Count(List<MessageDto> acked)
    {
        lock (acked)
            return acked.Count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Timeout, $"not within {Timeout.TotalSeconds} s: {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string?> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))?.ToString();
    }

    private static async Task<List<(long Seq, string Id)>> RowsAsync(SqliteConnection db, string conversationId)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT \"Seq\", \"Id\" FROM messages WHERE \"ConversationId\" = $id ORDER BY \"Seq\"";
        command.Parameters.AddWithValue("$id", conversationId);
        var rows = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        return rows;
    }
}
