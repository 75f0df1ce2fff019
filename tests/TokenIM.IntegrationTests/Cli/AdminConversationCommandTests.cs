using System.CommandLine;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim admin conversations …</c> and <c>messages send</c> against the real server binary, over its local socket.</summary>
public sealed class AdminConversationCommandTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private async Task<T> RunAsync<T>(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(["admin", "--local", server.SocketPath, .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        Assert.True(exit == 0, $"{string.Join(' ', args)}: exit {exit}: {error}");
        return JsonSerializer.Deserialize<T>(output.ToString(), Api.Json)!;
    }

    [Fact]
    public async Task Admin_CreateGroupAddMemberSendRemove_EachStepPrintsJson()
    {
        var owner = await RunAsync<ServerUserDto>("users", "create", "--username", server.NextUsername("cliowner"));
        var member = await RunAsync<ServerUserDto>("users", "create", "--username", server.NextUsername("climember"));
        var late = await RunAsync<ServerUserDto>("users", "create", "--username", server.NextUsername("clilate"));

        var group = await RunAsync<ServerConversationDto>(
            "conversations", "create", "--type", "group", "--creator", owner.Id, "--member", member.Id, "--title", "From the CLI");
        var grown = await RunAsync<ServerConversationDto>("conversations", "add-members", group.Id, late.Id);
        var sent = await RunAsync<MessageDto>("messages", "send", group.Id, "--sender", late.Id, "--text", "hello from the shell", "--client-msg-id", "cli-1");
        var again = await RunAsync<MessageDto>("messages", "send", group.Id, "--sender", late.Id, "--text", "hello from the shell", "--client-msg-id", "cli-1");
        var shrunk = await RunAsync<ServerConversationDto>("conversations", "remove-member", group.Id, member.Id);
        var read = await RunAsync<ServerConversationDto>("conversations", "get", group.Id);

        Assert.Equal("From the CLI", group.Title);
        Assert.Equal(3, grown.Members.Count);
        Assert.Equal((1L, late.Id), (sent.Seq, sent.SenderId));
        Assert.Equal(sent.Id, again.Id);
        Assert.Equal(2, shrunk.Members.Count);
        Assert.Equal((1L, 2), (read.LastSeq, read.Members.Count));
    }
}
