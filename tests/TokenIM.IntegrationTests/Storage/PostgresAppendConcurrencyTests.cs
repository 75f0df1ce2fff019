using Microsoft.Extensions.DependencyInjection;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>
/// Two server nodes over the same PostgreSQL databases (and the same signing keys), appending to one conversation at
/// the same time. Each node's writer serializes only its own sends: across nodes, only the conversation row's
/// <c>FOR UPDATE</c> lock keeps seqs gap-free and unique.
/// </summary>
public sealed class PostgresAppendConcurrencyTests : IAsyncLifetime
{
    private PostgresDatabases? _databases;
    private TokenImFactory? _first;
    private TokenImFactory? _second;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TokenImFactory First => _first!;

    private TokenImFactory Second => _second!;

    public async ValueTask InitializeAsync()
    {
        PostgresDatabases.SkipUnlessConfigured();
        _databases = await PostgresDatabases.CreateAsync(3);
        _first = new TokenImFactory().UsePostgres(_databases);
        _ = _first.Services; // the first node migrates and makes the signing key
        // The second node shares the data directory only for the signing key: its store is PostgreSQL like the first's.
        _second = TokenImFactory.Over(_first.DataDirectory);
        foreach (var (key, value) in _first.Settings)
            _second.Settings[key] = value;
        _ = _second.Services;
    }

    [Fact]
    public async Task Send_ThroughTwoNodesConcurrently_SeqsAreGapFreeAndUnique()
    {
        var users = await First.RegisterManyAsync(4);
        var group = await users[0].CreateGroupAsync("busy", users[1..]);
        const int PerLoop = 20;

        // Every user sends through both nodes at once: eight loops, two writers, one conversation.
        var sent = await Task.WhenAll(users.SelectMany(user => new[] { user, user with { Client = Second.ClientWith(user.Tokens.AccessToken) } })
            .Select(sender => sender.SendManyAsync(group.Id, PerLoop)));

        var total = users.Length * 2 * PerLoop;
        var seqs = sent.SelectMany(loop => loop).Select(m => m.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
        Assert.All(sent, loop => Assert.Equal(loop.Select(m => m.Seq).Order(), loop.Select(m => m.Seq)));
        var history = await users[0].PageAsync(group.Id, $"?afterSeq=0&limit={ChatRules.MaxPageSize}");
        var stored = history.Messages.Concat((await users[0].PageAsync(group.Id, $"?afterSeq={ChatRules.MaxPageSize}&limit={ChatRules.MaxPageSize}")).Messages).ToList();
        Assert.Equal(seqs, stored.Select(m => m.Seq));
        Assert.Equal(sent.SelectMany(loop => loop).OrderBy(m => m.Seq).Select(m => m.Id), stored.Select(m => m.Id));
        Assert.Equal(total, (await users[1].GetConversationAsync(group.Id)).LastSeq);
    }

    [Fact]
    public async Task AppendAsync_BatchesFromBothNodesStores_SeqsAreGapFreeAndUnique()
    {
        var users = await First.RegisterManyAsync(4);
        var group = await users[0].CreateGroupAsync("batches", users[1..]);
        IChatStore[] stores = [First.Services.GetRequiredService<IChatStore>(), Second.Services.GetRequiredService<IChatStore>()];
        const int Batches = 10, BatchSize = 3;

        // Batches of several sends hold the row lock longer than single sends: more overlap between the nodes.
        var results = await Task.WhenAll(stores.SelectMany(store => users.Select(async user =>
        {
            var mine = new List<AppendResult>();
            for (var batch = 0; batch < Batches; batch++)
            {
                AppendRequest[] sends = [.. Enumerable.Range(0, BatchSize).Select(_ =>
                    new AppendRequest(group.Id, user.Id, ChatRules.NewId(), "hello", ChatRules.NewId()))];
                mine.AddRange(await store.AppendAsync(sends, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Ct));
            }

            return mine;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.All(all, r => Assert.Equal(AppendStatus.Created, r.Status));
        var total = stores.Length * users.Length * Batches * BatchSize;
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), all.Select(r => r.Message!.Seq).Order());
        var membership = await stores[1].FindMembershipAsync(group.Id, users[0].Id, Ct);
        Assert.Equal(total, membership?.LastSeq);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
            await _second.DisposeAsync();
        if (_first is not null)
            await _first.DisposeAsync();
        if (_databases is not null)
            await _databases.DisposeAsync();
    }
}
