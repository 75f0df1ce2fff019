using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TokenIM.Client;

namespace TokenIM.Cli.Admin;

/// <summary>
/// <c>tokenim admin</c>: the server API from a terminal, through the SDK's <see cref="TokenImServerClient"/>. It talks
/// to the local admin socket (<c>--local [path]</c>: no key needed) or to a URL with an API key. Every answer is
/// printed as one line of JSON, so scripts can read it; a refusal goes to stderr and the exit code is 1.
/// </summary>
internal static class AdminCommand
{
    public const string DefaultSocket = "./data/admin.sock";

    public static Command Create()
    {
        var connection = new AdminConnection();
        var command = new Command("admin", "Administer a server through its server API: API keys, users, sessions, signing keys and live statistics.")
        {
            connection.Local, connection.Url, connection.ApiKey,
        };
        command.Subcommands.Add(ApiKeyCommands.Create(connection));
        command.Subcommands.Add(UserCommands.Create(connection, UserFindCommand.Create(connection), UserAdminCommand.Create(connection)));
        command.Subcommands.Add(SessionCommands.Create(connection));
        command.Subcommands.Add(WebhookCommands.Create(connection));
        command.Subcommands.Add(ConversationCommands.Create(connection));
        command.Subcommands.Add(ConversationCommands.CreateMessages(connection));
        command.Subcommands.Add(SigningKeyCommands.Create(connection));
        command.Subcommands.Add(StatsCommand.Create(connection));
        return command;
    }
}

/// <summary>The options that say which server to talk to, shared by every <c>admin</c> subcommand.</summary>
internal sealed class AdminConnection
{
    public Option<string?> Local { get; } = new("--local")
    {
        Description = $"Talk to the server's local admin socket (no API key): the path, {AdminCommand.DefaultSocket} when none is given.",
        Arity = ArgumentArity.ZeroOrOne,
        Recursive = true,
    };

    public Option<Uri?> Url { get; } = new("--url")
    {
        Description = "Talk to the server at this address, with --api-key.",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                return uri;
            result.AddError($"--url needs an absolute http:// or https:// address, not '{text}'.");
            return null;
        },
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The API key (tim_…) for --url. The default is the TOKENIM_API_KEY environment variable.",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="call"/> against the chosen server and prints its answer as JSON.</summary>
    public Task<int> RunAsync<T>(ParseResult result, Func<TokenImServerClient, CancellationToken, Task<T>> call, JsonTypeInfo<T> output, CancellationToken cancellationToken) =>
        RunAsync(result, async (client, ct) =>
        {
            var answer = await call(client, ct);
            await result.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(answer, output));
            return 0;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/> with a client of the chosen server; a refusal is printed to stderr (exit 1), an
    /// unreachable server too (exit 2). The body prints its own output and returns the exit code.
    /// </summary>
    public async Task<int> RunAsync(ParseResult result, Func<TokenImServerClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var (client, problem) = Connect(result);
        if (client is null)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync(problem);
            return 2;
        }

        using (client)
        {
            try
            {
                return await body(client, cancellationToken);
            }
            catch (TokenImApiException e)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
                foreach (var (field, messages) in e.Errors ?? new Dictionary<string, string[]>())
                    await result.InvocationConfiguration.Error.WriteLineAsync($"  {field}: {string.Join(' ', messages)}");
                return 1;
            }
            catch (Exception e) when (e is HttpRequestException or SocketException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"error: cannot reach the server: {e.Message}");
                return 2;
            }
        }
    }

    private (TokenImServerClient? Client, string? Problem) Connect(ParseResult result)
    {
        var local = result.GetResult(Local);
        var url = result.GetValue(Url);
        if (local is not null && url is not null)
            return (null, "error: use either --local or --url, not both.");
        if (local is not null)
            return (TokenImServerClient.ForLocalSocket(local.Tokens.Count > 0 ? local.Tokens[0].Value : AdminCommand.DefaultSocket), null);
        if (url is null)
            return (null, "error: say which server: --local [socket path] on the server's machine, or --url with --api-key (or TOKENIM_API_KEY).");
        var key = result.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("TOKENIM_API_KEY");
        if (string.IsNullOrEmpty(key))
            return (null, "error: --url needs an API key: --api-key or the TOKENIM_API_KEY environment variable.");
        return (new TokenImServerClient(url, key), null);
    }
}
