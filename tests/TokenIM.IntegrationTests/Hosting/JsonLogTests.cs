using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TokenIM.Cli;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Hosting;

/// <summary>
/// <c>TokenIM:Logging:Format=json</c> on a real server process: every line is a JSON object with the documented fields,
/// and a scenario full of secrets (passwords, tokens, an API key, a webhook secret, a message) leaves none in the log.
/// </summary>
public sealed class JsonLogTests
{
    private static readonly string[] s_fields = ["timestamp", "level", "eventId", "category", "message"];

    [Fact]
    public async Task JsonLogs_ScenarioWithSecrets_ParseableLinesWithFieldsAndNoSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new ServerProcess();
        server.ExtraEnvironment["TokenIM__Logging__Format"] = "json";
        server.ExtraEnvironment["Logging__LogLevel__Default"] = "Information";
        server.ExtraEnvironment["Logging__LogLevel__TokenIM"] = "Debug";
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var secrets = new Dictionary<string, string>();

        // Registration, a failed and a good sign-in, a refresh: passwords and tokens cross the wire.
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var wrongPassword = "wrong-" + Guid.NewGuid().ToString("N");
        var alice = await Read<TokenResponse>(await http.PostAsJsonAsync("/api/v1/auth/register", new RegisterRequest(server.NextUsername("logalice"), password, null), Api.Json, ct), HttpStatusCode.Created);
        var bob = await Read<TokenResponse>(await http.PostAsJsonAsync("/api/v1/auth/register", new RegisterRequest(server.NextUsername("logbob"), password, null), Api.Json, ct), HttpStatusCode.Created);
        var failed = await http.PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(alice.User.Username, wrongPassword), Api.Json, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var signedIn = await Read<TokenResponse>(await http.PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(alice.User.Username, password), Api.Json, ct), HttpStatusCode.OK);
        var refreshed = await Read<TokenResponse>(await http.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshRequest(signedIn.RefreshToken), Api.Json, ct), HttpStatusCode.OK);

        // A message with a body found nowhere else.
        var body = "the-unique-body-" + Guid.NewGuid().ToString("N");
        using var asAlice = new HttpClient { BaseAddress = server.BaseUri };
        asAlice.DefaultRequestHeaders.Authorization = new("Bearer", refreshed.AccessToken);
        var conversation = await Read<ConversationDto>(await asAlice.PostAsJsonAsync("/api/v1/conversations", new CreateConversationRequest("direct", bob.User.Id), Api.Json, ct), HttpStatusCode.Created);
        var sent = await asAlice.PostAsJsonAsync($"/api/v1/conversations/{conversation.Id}/messages", new SendMessageRequest("c-1", body), Api.Json, ct);
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync(ct));

        // An API key, used over TCP (also once wrong), and a webhook endpoint with its secret.
        var key = Read<CreatedApiKey>(await RunAsync("admin", "apikey", "create", "--name", "logs", "--scopes", "webhooks:manage,users:read", "--local", server.SocketPath));
        var hook = Read<CreatedWebhookEndpoint>(await RunAsync("admin", "webhooks", "create", "--endpoint", "http://127.0.0.1:9/hook", "--events", "message.created", "--url", server.BaseUri.AbsoluteUri, "--api-key", key.Token));
        Assert.Equal(1, (await RunAsync("admin", "webhooks", "list", "--url", server.BaseUri.AbsoluteUri, "--api-key", key.Token + "x")).Exit);
        await server.StopAsync(); // the console logger writes what it queued before the process ends

        secrets["password"] = password;
        secrets["wrong password"] = wrongPassword;
        secrets["message body"] = body;
        secrets["API key"] = key.Token;
        secrets["API key secret part"] = key.Token[^16..];
        secrets["webhook secret"] = hook.Secret;
        foreach (var (name, tokens) in new[] { ("registration", alice), ("sign-in", signedIn), ("refresh", refreshed) })
        {
            secrets[$"{name} refresh token"] = tokens.RefreshToken;
            secrets[$"{name} access token signature"] = tokens.AccessToken[(tokens.AccessToken.LastIndexOf('.') + 1)..];
        }

        var log = await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "server.log"), ct);
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Select(line => Parse(line)).ToList();
        Assert.All(entries, entry =>
        {
            Assert.All(s_fields, field => Assert.True(entry.TryGetProperty(field, out _), $"no {field} in {entry}"));
            var at = DateTimeOffset.Parse(entry.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.Zero, at.Offset);
            Assert.EndsWith("Z", entry.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        });
        // The scenario was logged at all: registration (with the user's id as a field), the failed sign-in, the key, the endpoint.
        var registered = Assert.Single(entries, e => e.GetProperty("eventId").GetInt32() == 1300 && e.GetProperty("fields").GetProperty("UserId").GetString() == alice.User.Id);
        Assert.Equal("information", registered.GetProperty("level").GetString());
        Assert.Equal("TokenIM.Server.Auth.AccountService", registered.GetProperty("category").GetString());
        Assert.Equal("User {UserId} registered", registered.GetProperty("template").GetString());
        Assert.False(string.IsNullOrEmpty(registered.GetProperty("eventName").GetString()));
        Assert.Contains(entries, e => e.GetProperty("eventId").GetInt32() == 1301);
        Assert.Contains(entries, e => e.GetProperty("eventId").GetInt32() == 1400);
        Assert.Contains(entries, e => e.GetProperty("eventId").GetInt32() == 6010);
        Assert.All(secrets, secret => Assert.False(log.Contains(secret.Value, StringComparison.Ordinal), $"The log holds the {secret.Key}."));
    }

    private static JsonElement Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Assert.Fail($"Not a JSON line ({e.Message}): {line}");
            throw;
        }
    }

    private static async Task<T> Read<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
            return await response.ReadAsync<T>(expected);
    }

    private static T Read<T>((int Exit, string Output, string Error) run)
    {
        Assert.True(run.Exit == 0, run.Error);
        return JsonSerializer.Deserialize<T>(run.Output, Api.Json)!;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
