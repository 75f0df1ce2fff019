using System.CommandLine;
using TokenIM.Protocol;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin users admin ID --on|--off</c>: gives or takes the admin role (the web client's admin console).</summary>
internal static class UserAdminCommand
{
    public static Command Create(AdminConnection connection)
    {
        var id = new Argument<string>("id") { Description = "The user id." };
        var on = new Option<bool>("--on") { Description = "Make the user an admin." };
        var off = new Option<bool>("--off") { Description = "Take the admin role away." };
        var admin = new Command("admin", "Give (--on) or take (--off) the admin role: an admin's own sign-in opens the admin console.") { id, on, off };
        admin.Validators.Add(result =>
        {
            if (result.GetValue(on) == result.GetValue(off))
                result.AddError("Give exactly one of --on and --off.");
        });
        admin.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.SetAdminAsync(result.GetValue(id)!, result.GetValue(on), ct),
            ProtocolJsonContext.Wire.ServerUserDto, cancellationToken));
        return admin;
    }
}
