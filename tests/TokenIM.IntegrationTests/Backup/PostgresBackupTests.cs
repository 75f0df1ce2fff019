using Npgsql;
using TokenIM.Cli.Admin;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Backup;

/// <summary>
/// <c>tokenim admin backup|restore</c> on a PostgreSQL store (a directory database and two shards, TOKENIM_PG): a
/// pg_dump per database while the server runs, a restore refused while it runs and done once it is stopped, and the
/// server started again on the restored databases.
/// </summary>
public sealed class PostgresBackupTests
{
    [Fact]
    public async Task BackupRestore_DirectoryAndTwoShards_HistoryAsBackedUpNewEpoch()
    {
        PostgresDatabases.SkipUnlessConfigured();
        var ct = TestContext.Current.CancellationToken;
        await using var databases = await PostgresDatabases.CreateAsync(3, ct);
        var data = Path.Combine(Path.GetTempPath(), $"tokenim-pg-backup-{Guid.NewGuid():N}");
        var folder = BackupCli.NewFolder();
        string[] configuration =
        [
            "--data", data, "--TokenIM:Storage:Provider=Postgres",
            $"--TokenIM:Storage:Postgres:Directory={databases.ConnectionStrings[0]}",
            $"--TokenIM:Storage:Postgres:Shards:0={databases.ConnectionStrings[1]}",
            $"--TokenIM:Storage:Postgres:Shards:1={databases.ConnectionStrings[2]}",
        ];
        try
        {
            List<(string Id, TestUser Owner)> conversations = [];
            TestUser alice;
            BackupReport backup;
            using (var first = TokenImFactory.Over(data).UsePostgres(databases))
            {
                alice = await first.RegisterAsync();
                var bob = await first.RegisterAsync();
                // Enough conversations that both shards hold some (a conversation's shard is its id's hash).
                for (var i = 0; i < 6; i++)
                {
                    var conversation = await alice.CreateGroupAsync($"g{i}", bob);
                    for (var m = 1; m <= 3; m++)
                        await alice.SendOkAsync(conversation.Id, $"kept {m}");
                    conversations.Add((conversation.Id, alice));
                }

                backup = await BackupCli.RunOkAsync(["admin", "backup", "--out", folder, .. configuration]);
                foreach (var (id, _) in conversations)
                    await alice.SendOkAsync(id, "lost");

                var (exit, _, error) = await BackupCli.RunAsync(["admin", "restore", "--from", folder, .. configuration]);
                Assert.Equal(1, exit);
                Assert.Contains("other session(s) use database", error, StringComparison.Ordinal);
            }

            // The stopped server's idle pooled sessions would count as users of the databases.
            NpgsqlConnection.ClearAllPools();
            var manifest = await BackupManifest.ReadAsync(folder, ct);
            Assert.Equal(["directory", "shard", "shard"], manifest.Databases.Select(d => d.Role));
            var restore = await BackupCli.RunOkAsync(["admin", "restore", "--from", folder, .. configuration]);

            Assert.NotEqual(backup.Epoch, restore.Epoch);
            await using (var directory = await databases.OpenAsync(0, ct))
            {
                await using var read = new NpgsqlCommand($"SELECT \"Value\" FROM store_meta WHERE \"Key\" = '{StoreMeta.EpochKey}'", directory);
                Assert.Equal(restore.Epoch, await read.ExecuteScalarAsync(ct));
            }
            using var second = TokenImFactory.Over(data).UsePostgres(databases);
            var again = second.ClientWith(alice.Tokens.AccessToken); // the session and the signing keys came back too
            foreach (var (id, _) in conversations)
            {
                var page = await (await again.GetAsync($"/api/v1/conversations/{id}/messages", ct)).ReadAsync<MessagePage>();
                Assert.Equal(["kept 1", "kept 2", "kept 3"], page.Messages.Select(m => m.Text));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            foreach (var path in new[] { data, folder }.Where(Directory.Exists))
                Directory.Delete(path, recursive: true);
        }
    }
}
