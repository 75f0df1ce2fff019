using System.Globalization;
using TokenIM.Client;
using TokenIM.Client.Realtime;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Chat;

/// <summary>
/// One terminal chat on the SDK: sign in, pick the conversation, show recent history, then print every message as it
/// arrives (in seq order, each once, across reconnects — the SDK's guarantee) and send each line typed. Lines that
/// start with <c>/</c> are commands: <c>/quit</c>, <c>/who</c>.
/// </summary>
internal sealed class ChatSession(ChatOptions options, TextReader input, TextWriter output)
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var rest = new TokenImClient(options.Server);
        try
        {
            if (options.Register)
                await rest.RegisterAsync(options.Username, options.Password, deviceName: "tokenim chat", cancellationToken: cancellationToken);
            else
                await rest.LoginAsync(options.Username, options.Password, deviceName: "tokenim chat", cancellationToken);

            var conversation = await OpenConversationAsync(rest, cancellationToken);
            if (conversation is null)
                return 2;
            foreach (var user in await Task.WhenAll(conversation.MemberIds.Select(id => rest.GetUserAsync(id, cancellationToken))))
                _names[user.Id] = user.DisplayName;

            await using var realtime = new TokenImRealtimeClient(rest);
            var history = options.History == 0
                ? new MessagePage([], false)
                : await rest.GetMessagesAsync(conversation.Id, limit: options.History, cancellationToken: cancellationToken);
            // Live messages start right after what was shown: the SDK fills any gap from there, in order.
            realtime.SetCursor(conversation.Id, history.Messages.Count > 0 ? history.Messages[^1].Seq : conversation.LastSeq);
            realtime.MessageReceived += (_, message) =>
            {
                if (message.ConversationId == conversation.Id)
                    Print(message);
            };
            realtime.StateChanged += (_, change) => Status(change.State.ToString().ToLowerInvariant());

            await output.WriteLineAsync($"— {Title(conversation, rest.Tokens!.User.Id)} — type a message and press Enter; /quit to leave.");
            foreach (var message in history.Messages)
                Print(message);
            await realtime.ConnectAsync(cancellationToken);

            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Trim() == "/quit")
                    break;
                if (line.Trim() == "/who")
                {
                    await output.WriteLineAsync(string.Join(", ", _names.Values));
                    continue;
                }

                if (!string.IsNullOrWhiteSpace(line))
                    await realtime.SendAsync(conversation.Id, line, cancellationToken: cancellationToken);
            }

            return 0;
        }
        catch (TokenImApiException e)
        {
            await output.WriteLineAsync($"error: {e.Code}: {e.Problem.Detail ?? e.Problem.Title}");
            return 1;
        }
    }

    private async Task<ConversationDto?> OpenConversationAsync(TokenImClient rest, CancellationToken cancellationToken)
    {
        if (options.ConversationId is { } id)
            return await rest.GetConversationAsync(id, cancellationToken);
        if (options.With is { } peerName)
        {
            var peer = (await rest.SearchUsersAsync(peerName, 1, cancellationToken))
                .FirstOrDefault(u => string.Equals(u.Username, peerName, StringComparison.OrdinalIgnoreCase));
            if (peer is null)
            {
                await output.WriteLineAsync($"error: no user named {peerName}");
                return null;
            }

            return await rest.CreateDirectConversationAsync(peer.Id, cancellationToken);
        }

        var list = await rest.GetConversationsAsync(cancellationToken);
        await output.WriteLineAsync(list.Count == 0 ? "No conversations yet: use --with USER." : "Your conversations (use --conversation ID):");
        foreach (var c in list)
            await output.WriteLineAsync($"  {c.Id}  {c.Type,-6} {c.Title ?? string.Join(", ", c.MemberIds)}  unread {c.UnreadCount}");
        return null;
    }

    private void Print(MessageDto message)
    {
        var who = _names.TryGetValue(message.SenderId, out var name) ? name : message.SenderId;
        var time = message.CreatedAt.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture);
        lock (output)
            output.WriteLine($"[{time}] {who}: {message.Text}");
    }

    private void Status(string state)
    {
        lock (output)
            output.WriteLine($"({state})");
    }

    private string Title(ConversationDto conversation, string me) =>
        conversation.Title ?? string.Join(", ", conversation.MemberIds.Where(id => id != me).Select(id => _names.GetValueOrDefault(id, id)));
}
