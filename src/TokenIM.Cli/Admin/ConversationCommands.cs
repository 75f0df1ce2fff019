using System.CommandLine;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin conversations create|get|add-members|remove-member</c> and <c>tokenim admin messages send</c>.</summary>
internal static class ConversationCommands
{
    public static Command Create(AdminConnection connection)
    {
        var json = ProtocolJsonContext.Wire;

        var type = new Option<string>("--type") { Description = "group or direct.", Required = true };
        type.AcceptOnlyFromAmong("group", "direct");
        var creator = new Option<string>("--creator") { Description = "The user (or bot) who creates it: a group's owner.", Required = true };
        var members = new Option<string[]>("--member") { Description = "A member of the group besides the creator; repeat it.", AllowMultipleArgumentsPerToken = true };
        var peer = new Option<string?>("--peer") { Description = "For a direct conversation: the other user." };
        var title = new Option<string?>("--title") { Description = "For a group: its title." };
        var create = new Command("create", "Create a group or a direct conversation as --creator.") { type, creator, members, peer, title };
        create.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.CreateConversationAsync(new ServerCreateConversationRequest(
                result.GetValue(type), result.GetValue(creator), result.GetValue(members) is { Length: > 0 } ids ? ids : null, result.GetValue(peer), result.GetValue(title)), ct),
            json.ServerConversationDto, cancellationToken));

        var getId = ConversationId();
        var get = new Command("get", "Show a conversation with every member and role.") { getId };
        get.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.GetConversationAsync(result.GetValue(getId)!, ct), json.ServerConversationDto, cancellationToken));

        var addId = ConversationId();
        var userIds = new Argument<string[]>("user-ids") { Description = "The users to add.", Arity = ArgumentArity.OneOrMore };
        var actor = new Option<string?>("--actor") { Description = "Add them as this member (whose role must allow it); without it the app adds them." };
        var add = new Command("add-members", "Add users to a group.") { addId, userIds, actor };
        add.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.AddMembersAsync(result.GetValue(addId)!, result.GetValue(userIds)!, result.GetValue(actor), ct),
            json.ServerConversationDto, cancellationToken));

        var removeId = ConversationId();
        var removed = new Argument<string>("user-id") { Description = "The member to remove." };
        var remove = new Command("remove-member", "Remove a member of a group, whatever its role; prints the group after.") { removeId, removed };
        remove.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) =>
            {
                await client.RemoveMemberAsync(result.GetValue(removeId)!, result.GetValue(removed)!, ct);
                return await client.GetConversationAsync(result.GetValue(removeId)!, ct);
            },
            json.ServerConversationDto, cancellationToken));

        return new Command("conversations", "Conversations and their members.") { create, get, add, remove };
    }

    public static Command CreateMessages(AdminConnection connection)
    {
        var conversation = ConversationId();
        var sender = new Option<string>("--sender") { Description = "The member (user or bot) who sends it.", Required = true };
        var text = new Option<string>("--text") { Description = "The message, 1–4,000 characters.", Required = true };
        var clientMsgId = new Option<string?>("--client-msg-id")
        {
            Description = "The idempotency key: the same one again returns the stored message instead of sending twice. A new one when absent.",
        };
        var send = new Command("send", "Send a message as --sender.") { conversation, sender, text, clientMsgId };
        send.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.SendMessageAsync(
                result.GetValue(conversation)!, result.GetValue(sender)!, result.GetValue(clientMsgId) ?? Guid.NewGuid().ToString(), result.GetValue(text)!, ct),
            ProtocolJsonContext.Wire.MessageDto, cancellationToken));
        return new Command("messages", "Messages.") { send };
    }

    private static Argument<string> ConversationId() => new("conversation-id") { Description = "The conversation id." };
}
