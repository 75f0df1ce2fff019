using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim admin keys|sessions|users find|stats</c> against a real server process, over the local socket and over TCP.</summary>
public sealed class AdminOperatorCommandTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static T Read<T>((int Exit, string Output, string Error) run)
    {
        Assert.True(run.Exit == 0, run.Error);
        return JsonSerializer.Deserialize<T>(run.Output, Api.Json)!;
    }

    [Fact]
    public async Task Keys_RotateOverLocalSocket_ListShowsTheNewCurrentKey()
    {
        var before = Read<SigningKeyList>(await RunAsync("admin", "keys", "list", "--local", server.SocketPath));

        var rotated = Read<SigningKeyList>(await RunAsync("admin", "keys", "rotate", "--local", server.SocketPath));

        Assert.Equal(before.Keys.Count + 1, rotated.Keys.Count);
        Assert.True(rotated.Keys[^1].Current);
        Assert.DoesNotContain(rotated.Keys[^1].Kid, before.Keys.Select(k => k.Kid));
        Assert.Equal(rotated.Keys.Select(k => k.Kid), Read<SigningKeyList>(await RunAsync("admin", "keys", "list", "--local", server.SocketPath)).Keys.Select(k => k.Kid));
    }

    [Fact]
    public async Task UsersFindAndSessions_OverUrl_FindListAndRevoke()
    {
        var key = Read<CreatedApiKey>(await RunAsync(
            "admin", "apikey", "create", "--name", "ops", "--scopes", "users:read,users:write,tokens:mint,sessions:revoke", "--local", server.SocketPath));
        string[] remote = ["--url", server.BaseUri.AbsoluteUri, "--api-key", key.Token];
        var username = server.NextUsername("opsfind");
        var user = Read<ServerUserDto>(await RunAsync(["admin", "users", "create", "--username", username, "--display-name", "Operations Find", .. remote]));
        var phone = Read<TokenResponse>(await RunAsync(["admin", "users", "mint-token", user.Id, "--device", "phone", .. remote]));
        var laptop = Read<TokenResponse>(await RunAsync(["admin", "users", "mint-token", user.Id, "--device", "laptop", .. remote]));

        var found = Read<ServerUserPage>(await RunAsync(["admin", "users", "find", username, "--limit", "5", .. remote]));
        var sessions = Read<SessionList>(await RunAsync(["admin", "sessions", "list", user.Id, .. remote]));
        var left = Read<SessionList>(await RunAsync(["admin", "sessions", "revoke", user.Id, phone.SessionId, .. remote]));
        var again = await RunAsync(["admin", "sessions", "revoke", user.Id, phone.SessionId, .. remote]);

        Assert.Equal(user.Id, Assert.Single(found.Users).Id);
        Assert.Equal([laptop.SessionId, phone.SessionId], sessions.Sessions.Select(s => s.Id));
        Assert.Equal(laptop.SessionId, Assert.Single(left.Sessions).Id);
        Assert.Equal(1, again.Exit);
        Assert.Contains("session_not_found", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_Once_OneJsonLineWithThisNode()
    {
        var run = await RunAsync("admin", "stats", "--local", server.SocketPath);

        var stats = Read<ServerStatsDto>(run);
        Assert.Single(run.Output.TrimEnd().Split('\n'));
        var node = Assert.Single(stats.Nodes);
        Assert.Equal(1, stats.Total.Nodes);
        Assert.True(node.UptimeSeconds > 0);
    }

    [Fact]
    public async Task Stats_Watch_RefreshesATableUntilCancelled()
    {
        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var run = TokenImCli.Create().Parse(["admin", "stats", "--watch", "0.5", "--local", server.SocketPath])
            .InvokeAsync(new InvocationConfiguration { Output = synchronized, Error = new StringWriter() }, stop.Token);

        string Text()
        {
            lock (synchronized)
                return output.ToString();
        }

        var waited = Stopwatch.StartNew();
        while (Text().Split("NODE ").Length < 3)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"Fewer than two tables: {Text()}");
            Assert.False(run.IsCompleted, $"The watch ended by itself: {Text()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Contains("nodes 1", Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_WatchOutOfRange_Refused()
    {
        var run = await RunAsync("admin", "stats", "--watch", "0", "--local", server.SocketPath);

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("--watch", run.Error, StringComparison.Ordinal);
    }
}
