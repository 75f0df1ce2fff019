using System.CommandLine;

namespace TokenIM.Cli.Chat;

/// <summary><c>tokenim chat</c>: the command line and its options; the session itself is <see cref="ChatSession"/>.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var server = ServerOption.Create();
        var user = new Option<string>("--user", "-u") { Description = "Your username.", Required = true };
        var register = new Option<bool>("--register") { Description = "Create the account first." };
        var with = new Option<string?>("--with", "-w") { Description = "Chat with this user (a direct conversation)." };
        var group = new Option<string?>("--conversation", "-c") { Description = "Chat in this conversation (an id from the list)." };
        var history = new Option<int>("--history")
        {
            Description = "Messages of history to show first (0–100).",
            DefaultValueFactory = _ => 20,
        };

        var command = new Command("chat", "Chat from the terminal: messages arrive live, each line you type is sent. The password is read from TOKENIM_PASSWORD, else asked for.")
        {
            server, user, register, with, group, history,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ChatOptions(
                result.GetValue(server)!,
                result.GetValue(user)!,
                Environment.GetEnvironmentVariable("TOKENIM_PASSWORD") ?? ReadPassword(),
                result.GetValue(register),
                result.GetValue(with),
                result.GetValue(group),
                Math.Clamp(result.GetValue(history), 0, 100));
            return await new ChatSession(options, Console.In, Console.Out).RunAsync(cancellationToken);
        });
        return command;
    }

    private static string ReadPassword()
    {
        Console.Error.Write("Password: ");
        if (Console.IsInputRedirected)
            return Console.ReadLine() ?? string.Empty;
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                break;
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
                password.Length--;
            else if (!char.IsControl(key.KeyChar))
                password.Append(key.KeyChar);
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}

/// <summary>What a chat session needs to start.</summary>
internal sealed record ChatOptions(Uri Server, string Username, string Password, bool Register, string? With, string? ConversationId, int History);
