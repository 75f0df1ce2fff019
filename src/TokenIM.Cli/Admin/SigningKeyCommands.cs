using System.CommandLine;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin keys list|rotate</c>: the access tokens' signing keys.</summary>
internal static class SigningKeyCommands
{
    public static Command Create(AdminConnection connection)
    {
        var json = ProtocolJsonContext.Wire;

        var list = new Command("list", "The signing keys, oldest first: kid, created, which one signs, when the older ones retire.");
        list.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) => new SigningKeyList(await client.ListSigningKeysAsync(ct)), json.SigningKeyList, cancellationToken));

        var rotate = new Command(
            "rotate",
            "Make a new signing key; every node signs with it at once. Older keys keep verifying until their tokens expire: nobody is signed out.");
        rotate.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) => new SigningKeyList(await client.RotateSigningKeyAsync(ct)), json.SigningKeyList, cancellationToken));

        return new Command("keys", "The keys that sign access tokens.") { list, rotate };
    }
}
