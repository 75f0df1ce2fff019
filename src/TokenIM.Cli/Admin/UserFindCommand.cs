using System.CommandLine;
using TokenIM.Protocol;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin users find [QUERY] [--limit N] [--cursor C]</c>: one page of users, as JSON.</summary>
internal static class UserFindCommand
{
    public static Command Create(AdminConnection connection)
    {
        var query = new Argument<string?>("query")
        {
            Description = "A username prefix, part of a display name, or an external id; every user when absent.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var limit = new Option<int?>("--limit") { Description = "Users per page, 1–100. The default is 50." };
        var cursor = new Option<string?>("--cursor") { Description = "The nextCursor of the previous page." };
        var find = new Command("find", "Find users by username prefix, display name or external id, a page at a time (disabled users and bots are marked).")
        {
            query, limit, cursor,
        };
        find.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.FindUsersAsync(result.GetValue(query), result.GetValue(limit), result.GetValue(cursor), ct),
            ProtocolJsonContext.Wire.ServerUserPage, cancellationToken));
        return find;
    }
}
