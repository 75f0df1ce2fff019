using System.CommandLine;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin sessions list USER | revoke USER SESSION</c>.</summary>
internal static class SessionCommands
{
    public static Command Create(AdminConnection connection)
    {
        var json = ProtocolJsonContext.Wire;

        var listUser = UserId();
        var list = new Command("list", "A user's active sessions, newest first: device, created, last used, address.") { listUser };
        list.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) => new SessionList(await client.ListUserSessionsAsync(result.GetValue(listUser)!, ct)),
            json.SessionList, cancellationToken));

        var revokeUser = UserId();
        var session = new Argument<string>("session") { Description = "The session id, from 'sessions list'." };
        var revoke = new Command("revoke", "End one session of a user at once: its sockets close and its refresh token is refused. Prints the sessions left.")
        {
            revokeUser, session,
        };
        revoke.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) =>
            {
                await client.RevokeUserSessionAsync(result.GetValue(revokeUser)!, result.GetValue(session)!, ct);
                return new SessionList(await client.ListUserSessionsAsync(result.GetValue(revokeUser)!, ct));
            },
            json.SessionList, cancellationToken));

        return new Command("sessions", "A user's sessions (signed-in devices).") { list, revoke };
    }

    private static Argument<string> UserId() => new("user") { Description = "The user id." };
}
