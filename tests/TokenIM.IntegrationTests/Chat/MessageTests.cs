using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Chat;

public sealed class MessageTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task Send_SameClientMsgIdAgain_Returns200WithTheOriginal()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);

        var first = await alice.SendOkAsync(group.Id, "hello", "msg-1");
        var again = await (await alice.SendAsync(group.Id, "a different text", "msg-1")).ReadAsync<MessageDto>(HttpStatusCode.OK);

        Assert.Equal(first, again);
        Assert.Equal("hello", again.Text);
        Assert.Equal(1, first.Seq);
        Assert.Equal(1, (await bob.GetConversationAsync(group.Id)).LastSeq);
    }

    [Fact]
    public async Task Send_SameClientMsgIdFromAnotherSender_IsASeparateMessage()
    {
        var alice = await factory.RegisterAsync();
        var bob = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g", bob);

        var fromAlice = await alice.SendOkAsync(group.Id, "from alice", "same-key");
        var fromBob = await bob.SendOkAsync(group.Id, "from bob", "same-key");

        Assert.NotEqual(fromAlice.Id, fromBob.Id);
        Assert.Equal([1L, 2L], [fromAlice.Seq, fromBob.Seq]);
        Assert.Equal(bob.Id, fromBob.SenderId);
        Assert.Equal("same-key", fromBob.ClientMsgId);
    }

    [Fact]
    public async Task Send_50ConcurrentSenders_SeqsAreExactlyOneToN()
    {
        const int senders = 50, perSender = 4;
        var users = await factory.RegisterManyAsync(senders);
        var group = await users[0].CreateGroupAsync("busy", users[1..]);

        var sent = await Task.WhenAll(users.Select(async user =>
        {
            // Each sender's own messages go one after another, all senders at once.
            var mine = new List<MessageDto>();
            for (var i = 0; i < perSender; i++)
                mine.Add(await user.SendOkAsync(group.Id, $"{user.Username} #{i}"));
            return mine;
        }));

        var all = sent.SelectMany(m => m).ToList();
        Assert.Equal(Enumerable.Range(1, senders * perSender).Select(i => (long)i), all.Select(m => m.Seq).Order());
        Assert.All(sent, mine => Assert.True(mine.Select(m => m.Seq).SequenceEqual(mine.Select(m => m.Seq).Order()), "a sender's messages keep their order"));
        var history = new List<MessageDto>();
        for (long after = 0; ;)
        {
            var page = await users[0].PageAsync(group.Id, $"?afterSeq={after}&limit=100");
            history.AddRange(page.Messages);
            after = page.Messages[^1].Seq;
            if (!page.HasMore)
                break;
        }

        Assert.Equal(all.OrderBy(m => m.Seq).Select(m => m.Id), history.Select(m => m.Id));
        Assert.Equal(senders * perSender, (await users[1].GetConversationAsync(group.Id)).LastSeq);
    }

    [Theory]
    [InlineData("one character")]
    [InlineData("4000 ascii")]
    [InlineData("4000 emoji")] // 4,000 scalar values, 16,000 bytes of UTF-8: the most the limits allow
    [InlineData("4000 two-byte")]
    [InlineData("tabs and line breaks")]
    [InlineData("padded")]
    public async Task Send_TextWithinLimits_IsStoredUnchanged(string kind)
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");
        var text = Text(kind);

        var message = await alice.SendOkAsync(group.Id, text);

        Assert.Equal(text, message.Text);
        Assert.True(Encoding.UTF8.GetByteCount(message.Text) <= 16 * 1024);
        Assert.Equal(text, (await alice.PageAsync(group.Id)).Messages[0].Text);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("4001 ascii")]
    [InlineData("4001 emoji")]
    [InlineData("spaces")]
    [InlineData("white space and line breaks")]
    [InlineData("unicode white space")]
    [InlineData("nul")]
    [InlineData("bell")]
    [InlineData("escape sequence")]
    public async Task Send_TextOutsideRules_IsValidationFailedOnText(string kind)
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");

        var problem = await (await alice.SendAsync(group.Id, Text(kind))).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.True(problem.Errors!.ContainsKey("text"));
        Assert.False(problem.Errors.ContainsKey("clientMsgId"));
        Assert.Equal(0, (await alice.GetConversationAsync(group.Id)).LastSeq);
    }

    [Fact]
    public async Task Send_LoneSurrogate_IsRefused()
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");

        var response = await alice.PostRawAsync($"{ChatTestHelpers.Conversations}/{group.Id}/messages", """{"clientMsgId":"c1","text":"a\ud800b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await alice.GetConversationAsync(group.Id)).LastSeq);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("naïve")]
    [InlineData("tab\t")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Send_BadClientMsgId_IsValidationFailedOnClientMsgId(string clientMsgId)
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");

        var problem = await (await alice.SendAsync(group.Id, "ok", clientMsgId)).ReadProblemAsync(ErrorCode.ValidationFailed);

        Assert.True(problem.Errors!.ContainsKey("clientMsgId"));
    }

    [Fact]
    public async Task Send_ClientMsgIdOf64PrintableCharacters_IsAccepted()
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");
        var key = string.Concat(Enumerable.Range(0, 64).Select(i => (char)(0x21 + (i * 7 % 94))));

        var message = await alice.SendOkAsync(group.Id, "ok", key);

        Assert.Equal(key, message.ClientMsgId);
    }

    [Fact]
    public async Task Send_Created_LocationNamesThePageHoldingTheMessage()
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");
        await alice.SendOkAsync(group.Id, "one");

        var response = await alice.SendAsync(group.Id, "two");
        var message = await response.ReadAsync<MessageDto>(HttpStatusCode.Created);

        var page = await alice.GetOkAsync<MessagePage>(response.Headers.Location!.ToString());
        Assert.Equal(message.Id, Assert.Single(page.Messages).Id);
        Assert.Equal(group.Id, message.ConversationId);
    }

    [Fact]
    public async Task Send_Message_TimestampIsUtcWithThreeFractionalDigits()
    {
        var alice = await factory.RegisterAsync();
        var group = await alice.CreateGroupAsync("g");

        var json = await (await alice.SendAsync(group.Id, "when?")).ReadBodyAsync();

        using var document = JsonDocument.Parse(json);
        Assert.Matches(new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"), document.RootElement.GetProperty("createdAt").GetString());
    }

    /// <summary>Texts by name, so that test names stay short and theory data never has to carry odd characters.</summary>
    private static string Text(string kind) => kind switch
    {
        "one character" => "x",
        "4000 ascii" => new string('a', 4000),
        "4001 ascii" => new string('a', 4001),
        "4000 emoji" => string.Concat(Enumerable.Repeat("😀", 4000)),
        "4001 emoji" => string.Concat(Enumerable.Repeat("😀", 4001)),
        "4000 two-byte" => new string('é', 4000),
        "tabs and line breaks" => "tab\tnew line\ncarriage return\r",
        "padded" => "  padded  ",
        "empty" => "",
        "spaces" => "   ",
        "white space and line breaks" => " \t\r\n ",
        "unicode white space" => "\u3000\u2003",
        "nul" => "nul\0inside",
        "bell" => "bell\u0007",
        "escape sequence" => "escape\u001b[31m",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
