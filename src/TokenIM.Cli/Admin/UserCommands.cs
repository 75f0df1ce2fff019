using System.CommandLine;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin users create|get|disable|enable|sign-out|mint-token</c>, plus the subcommands made elsewhere (<c>find</c>).</summary>
internal static class UserCommands
{
    public static Command Create(AdminConnection connection, params Command[] more)
    {
        var json = ProtocolJsonContext.Wire;

        var username = new Option<string>("--username") { Description = "3–32 characters of a–z, 0–9, '.', '_' and '-'.", Required = true };
        var displayName = new Option<string?>("--display-name") { Description = "The shown name; the username when absent." };
        var externalId = new Option<string?>("--external-id") { Description = "Your app's own id of the user." };
        var withPassword = new Option<bool>("--password")
        {
            Description = "Give the user a password, read from TOKENIM_PASSWORD or stdin; without one the user only gets minted tokens.",
        };
        var create = new Command("create", "Create a user.") { username, displayName, externalId, withPassword };
        create.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.CreateUserAsync(new ServerCreateUserRequest(
                result.GetValue(username),
                result.GetValue(displayName),
                result.GetValue(externalId),
                result.GetValue(withPassword) ? Environment.GetEnvironmentVariable("TOKENIM_PASSWORD") ?? Console.In.ReadLine() : null), ct),
            json.ServerUserDto, cancellationToken));

        var byExternalId = new Option<bool>("--external-id") { Description = "The argument is the app's own id, not the user id." };
        var getId = UserId();
        var get = new Command("get", "Show a user.") { getId, byExternalId };
        get.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => result.GetValue(byExternalId)
                ? client.GetUserByExternalIdAsync(result.GetValue(getId)!, ct)
                : client.GetUserAsync(result.GetValue(getId)!, ct),
            json.ServerUserDto, cancellationToken));

        var disableId = UserId();
        var disable = new Command("disable", "Disable a user: every session ends and sockets close; sign-in and minting are refused.") { disableId };
        disable.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.DisableUserAsync(result.GetValue(disableId)!, ct), json.ServerUserDto, cancellationToken));

        var enableId = UserId();
        var enable = new Command("enable", "Enable a disabled user again.") { enableId };
        enable.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.EnableUserAsync(result.GetValue(enableId)!, ct), json.ServerUserDto, cancellationToken));

        var signOutId = UserId();
        var signOut = new Command("sign-out", "End every session of a user.") { signOutId };
        signOut.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) =>
            {
                await client.SignOutUserAsync(result.GetValue(signOutId)!, ct);
                return await client.GetUserAsync(result.GetValue(signOutId)!, ct);
            },
            json.ServerUserDto, cancellationToken));

        var mintId = UserId();
        var device = new Option<string?>("--device") { Description = "Names the session in the user's device list; 'server api' when absent." };
        var mint = new Command("mint-token", "Start a session for a user without a password and print its tokens.") { mintId, device };
        mint.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.MintTokenAsync(result.GetValue(mintId)!, result.GetValue(device), ct), json.TokenResponse, cancellationToken));

        var users = new Command("users", "Users.") { create, get, disable, enable, signOut, mint };
        foreach (var command in more)
            users.Subcommands.Add(command);
        return users;
    }

    private static Argument<string> UserId() => new("id") { Description = "The user id." };
}
