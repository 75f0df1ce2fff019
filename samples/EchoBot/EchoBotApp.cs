using Microsoft.Extensions.Options;
using TokenIM.Client;

namespace TokenIM.Samples.EchoBot;

/// <summary>What the bot needs to know: where TokenIM is, its key, which user it is, and its webhook secret.</summary>
public sealed class EchoBotOptions
{
    /// <summary>TokenIM's root, e.g. <c>https://chat.example.com/</c>.</summary>
    public Uri? TokenImUrl { get; set; }

    /// <summary>An API key with the scopes <c>messages:write</c> and <c>conversations:read</c>.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The bot's TokenIM user id (a user created with <c>isBot: true</c>).</summary>
    public string BotUserId { get; set; } = "";

    /// <summary>The secret TokenIM gave when the webhook endpoint was created (<c>whsec_…</c>).</summary>
    public string WebhookSecret { get; set; } = "";
}

/// <summary>The bot's web app: one route, where TokenIM posts its webhooks.</summary>
public static class EchoBotApp
{
    public const string WebhookPath = "/webhooks/tokenim";

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddOptions<EchoBotOptions>().BindConfiguration("EchoBot")
            .Validate(o => o.TokenImUrl is { IsAbsoluteUri: true }, "EchoBot:TokenImUrl is required.")
            .Validate(o => o.ApiKey.Length > 0, "EchoBot:ApiKey is required.")
            .Validate(o => o.BotUserId.Length > 0, "EchoBot:BotUserId is required.")
            .Validate(o => o.WebhookSecret.Length > 0, "EchoBot:WebhookSecret is required.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EchoBotOptions>>().Value;
            return new TokenImServerClient(options.TokenImUrl!, options.ApiKey);
        });
        builder.Services.AddSingleton<EchoBot>();

        var app = builder.Build();
        app.MapPost(WebhookPath, (HttpRequest request, EchoBot bot, CancellationToken cancellationToken) =>
            bot.HandleAsync(request, cancellationToken));
        return app;
    }
}
