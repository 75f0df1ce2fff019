using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>
/// Where the rows land on a sharded PostgreSQL store, read straight from each database after real traffic through
/// the REST API: a conversation's rows on its shard only, accounts on the directory only, each user's conversation
/// index on their home shard only, and messages spread over the partitions of a partitioned table.
/// </summary>
public sealed class ShardRoutingTests(ShardRoutingTests.Traffic traffic) : IClassFixture<ShardRoutingTests.Traffic>, IAsyncLifetime
{
    private const int Directory = 0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        PostgresDatabases.SkipUnlessConfigured();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Conversations_AfterTraffic_EachConversationsRowsAreOnItsShardOnly()
    {
        var expected = traffic.Members.Keys.ToLookup(traffic.ShardOf);
        Assert.True(expected.Count == 2, "the traffic should have put conversations on both shards");

        for (var database = 0; database <= 2; database++)
        {
            var mine = expected[database - 1].Order(StringComparer.Ordinal).ToList();
            await using var db = await traffic.Databases.OpenAsync(database, Ct);
            Assert.Equal(mine, await StringsAsync(db, """SELECT "Id" FROM conversations"""));
            Assert.Equal(mine, await StringsAsync(db, """SELECT DISTINCT "ConversationId" FROM members"""));
            Assert.Equal(
                mine.Select(id => $"{id}:{traffic.Messages[id]}"),
                await StringsAsync(db, """SELECT "ConversationId" || ':' || count(*) FROM messages GROUP BY "ConversationId" """));
            Assert.Equal(
                mine.SelectMany(id => traffic.Members[id].Select(user => $"{id}:{user}")).Order(StringComparer.Ordinal),
                await StringsAsync(db, """SELECT "ConversationId" || ':' || "UserId" FROM members"""));
        }
    }

    [Fact]
    public async Task Accounts_AfterTraffic_AreOnTheDirectoryOnly()
    {
        var users = traffic.Users.Select(u => u.Id).Order(StringComparer.Ordinal).ToList();

        for (var database = 0; database <= 2; database++)
        {
            await using var db = await traffic.Databases.OpenAsync(database, Ct);
            Assert.Equal(database == Directory ? users : [], await StringsAsync(db, """SELECT "Id" FROM users"""));
            Assert.Equal(database == Directory ? users : [], await StringsAsync(db, """SELECT DISTINCT "UserId" FROM sessions"""));
            var tokens = await StringsAsync(db, """SELECT "SessionId" FROM refresh_tokens""");
            Assert.Equal(database == Directory, tokens.Count >= users.Count);
            Assert.Equal(database == Directory, tokens.Count > 0);
        }
    }

    [Fact]
    public async Task UserConversations_AfterTraffic_AreOnEachUsersHomeShardOnly()
    {
        // What the index should hold: every current membership (a removed member's row is gone too).
        var memberships = traffic.Members.SelectMany(c => c.Value.Select(user => (User: user, Conversation: c.Key))).ToList();

        for (var database = 0; database <= 2; database++)
        {
            var mine = memberships.Where(m => database != Directory && traffic.ShardOf(m.User) == database - 1)
                .Select(m => $"{m.User}:{m.Conversation}").Order(StringComparer.Ordinal);
            await using var db = await traffic.Databases.OpenAsync(database, Ct);
            Assert.Equal(mine, await StringsAsync(db, """SELECT "UserId" || ':' || "ConversationId" FROM user_conversations"""));
        }

        Assert.Equal(2, traffic.Users.Select(u => traffic.ShardOf(u.Id)).Distinct().Count());
    }

    [Fact]
    public async Task Messages_OnEachShard_AreHashPartitionedAndSpreadOverPartitions()
    {
        for (var database = 1; database <= 2; database++)
        {
            await using var db = await traffic.Databases.OpenAsync(database, Ct);
            Assert.Equal(
                ["h:ConversationId"],
                await StringsAsync(db, """
                    SELECT p.partstrat::text || ':' || a.attname
                    FROM pg_partitioned_table p
                    JOIN pg_class c ON c.oid = p.partrelid
                    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
                    WHERE c.relname = 'messages'
                    """));
            var partitions = await StringsAsync(db, """
                SELECT child.relname FROM pg_inherits i
                JOIN pg_class parent ON parent.oid = i.inhparent
                JOIN pg_class child ON child.oid = i.inhrelid
                WHERE parent.relname = 'messages' AND child.relkind = 'r'
                """);
            Assert.Equal(Server.Storage.Migrations.Postgres.InitialCreate.MessagePartitions, partitions.Count);
            var used = await StringsAsync(db, """SELECT DISTINCT tableoid::regclass::text FROM messages""");
            Assert.True(used.Count > 1, $"shard {database - 1}: messages in {used.Count} partition(s)");
            Assert.All(used, partition => Assert.Contains(partition, partitions));
        }
    }

    /// <summary>The first column of every row, as text, in ordinal order.</summary>
    private static async Task<List<string>> StringsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct))
            values.Add(reader.GetString(0));
        // Sorted here, not in SQL: ordinal order whatever the database's collation.
        return [.. values.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A server over a directory and two shards, and the traffic the tests inspect: 12 users, 24 direct
    /// conversations and 16 groups (one member removed from one of them), two messages in each, all through the API.
    /// </summary>
    public sealed class Traffic : IAsyncLifetime
    {
        private TokenImFactory? _server;
        private PostgresDatabases? _databases;

        /// <summary>The directory (0) and the shards (1, 2).</summary>
        public PostgresDatabases Databases => _databases!;

        public IReadOnlyList<TestUser> Users { get; private set; } = [];

        /// <summary>Each conversation's current member ids.</summary>
        public Dictionary<string, HashSet<string>> Members { get; } = [];

        /// <summary>How many messages each conversation holds.</summary>
        public Dictionary<string, int> Messages { get; } = [];

        /// <summary>The shard of a conversation, or a user's home shard, as the server routes it.</summary>
        public int ShardOf(string key) => _server!.Services.GetRequiredService<StoreShards>().IndexOf(key);

        public async ValueTask InitializeAsync()
        {
            // Without a server the tests skip themselves; a fixture cannot.
            if (PostgresDatabases.AdminConnectionString is null)
                return;
            _databases = await PostgresDatabases.CreateAsync(3);
            _server = new TokenImFactory().UsePostgres(_databases);
            var users = await _server.RegisterManyAsync(12);
            Users = users;
            for (var i = 0; i < 24; i++)
            {
                var (a, b) = (users[i % 12], users[(i % 12 + 1 + (i / 12)) % 12]);
                var response = await a.CreateDirectAsync(b.Id);
                var direct = await response.ReadAsync<ConversationDto>(HttpStatusCode.Created);
                await AddAsync(direct.Id, [a, b]);
            }

            TestUser[] members = [];
            ConversationDto? group = null;
            for (var i = 0; i < 16; i++)
            {
                members = [.. Enumerable.Range(0, 4).Select(k => users[(i + k + (i / 4)) % 12])];
                group = await members[0].CreateGroupAsync($"group {i}", members[1..]);
                await AddAsync(group.Id, members);
            }

            // One removal: the index row of the member who left goes too.
            Assert.Equal(HttpStatusCode.NoContent, (await members[0].RemoveMemberAsync(group!.Id, members[1].Id)).StatusCode);
            Members[group.Id].Remove(members[1].Id);
        }

        private async Task AddAsync(string conversationId, TestUser[] members)
        {
            Members[conversationId] = [.. members.Select(m => m.Id)];
            await members[0].SendOkAsync(conversationId, "first");
            await members[^1].SendOkAsync(conversationId, "second");
            Messages[conversationId] = 2;
        }

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
                await _server.DisposeAsync();
            if (_databases is not null)
                await _databases.DisposeAsync();
        }
    }
}
