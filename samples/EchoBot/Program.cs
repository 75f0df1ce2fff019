namespace TokenIM.Samples.EchoBot;

internal static class Program
{
    // Settings (appsettings.json, environment EchoBot__…, or --EchoBot:…=…): EchoBot:TokenImUrl, EchoBot:ApiKey,
    // EchoBot:BotUserId, EchoBot:WebhookSecret. docs/integration.md walks through them.
    public static Task Main(string[] args) => EchoBotApp.Create(args).RunAsync();
}
