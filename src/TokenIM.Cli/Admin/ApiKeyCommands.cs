using System.CommandLine;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.Cli.Admin;

/// <summary><c>tokenim admin apikey create|list|revoke</c>.</summary>
internal static class ApiKeyCommands
{
    public static Command Create(AdminConnection connection)
    {
        var json = ProtocolJsonContext.Wire;
        var name = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var scopes = new Option<string[]>("--scopes")
        {
            Description = "The scopes, separated by spaces or commas: users:read users:write tokens:mint sessions:revoke conversations:write messages:write apikeys:manage webhooks:manage signingkeys:manage stats:read.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Create an API key; its token is printed this once.") { name, scopes };
        create.SetAction((result, cancellationToken) => connection.RunAsync(result,
            (client, ct) => client.CreateApiKeyAsync(
                result.GetValue(name)!,
                [.. result.GetValue(scopes)!.SelectMany(s => s.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))],
                ct),
            json.CreatedApiKey, cancellationToken));

        var list = new Command("list", "Every API key, without secrets.");
        list.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) => new ApiKeyList(await client.ListApiKeysAsync(ct)), json.ApiKeyList, cancellationToken));

        var id = new Argument<string>("id") { Description = "The key id." };
        var revoke = new Command("revoke", "Revoke an API key; it is refused from the next request on.") { id };
        revoke.SetAction((result, cancellationToken) => connection.RunAsync(result,
            async (client, ct) =>
            {
                await client.RevokeApiKeyAsync(result.GetValue(id)!, ct);
                return new ApiKeyList(await client.ListApiKeysAsync(ct));
            },
            json.ApiKeyList, cancellationToken));

        return new Command("apikey", "Server API keys.") { create, list, revoke };
    }
}
