using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenIM.Cli;
using TokenIM.Cli.Config;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Server.Hosting;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim config default|check</c>: every setting listed from the code, a configuration checked as the server checks it.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    // A content root of its own: an empty folder, so only the test's arguments (and no appsettings.json) count.
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tokenim-config-");

    public void Dispose() => _root.Delete(recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TokenImCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private Task<(int Exit, string Output, string Error)> CheckAsync(params string[] settings) =>
        RunAsync(["config", "check", "--content-root", _root.FullName, "--data", Path.Combine(_root.FullName, "data"), .. settings]);

    /// <summary>Every bindable property of every options class, walked here independently of the command's own walk.</summary>
    private static IEnumerable<string> PropertyNames(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var name = $"{prefix}:{property.Name}";
            var element = property.PropertyType.IsArray ? property.PropertyType.GetElementType()! : property.PropertyType;
            var nested = element.IsClass && element != typeof(string);
            if (nested)
            {
                foreach (var inner in PropertyNames(element, property.PropertyType.IsArray ? $"{name}:0" : name))
                    yield return inner;
            }
            else
            {
                yield return property.PropertyType.IsArray ? $"{name}:0" : name;
            }
        }
    }

    [Fact]
    public async Task Default_Json_ListsEveryPropertyOfEveryOptionsClassWithDocumentation()
    {
        var run = await RunAsync("config", "default", "--format", "json");

        Assert.Equal(0, run.Exit);
        var listed = JsonSerializer.Deserialize<JsonElement[]>(run.Output)!;
        var names = listed.Select(s => s.GetProperty("name").GetString()!).ToList();
        Assert.Equal(PropertyNames(typeof(TokenImOptions), TokenImOptions.Section).Order(StringComparer.Ordinal), names.Where(n => n.StartsWith("TokenIM:", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains("Urls", names);
        Assert.All(listed, s => Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("description").GetString()), $"{s.GetProperty("name")} has no doc comment"));
    }

    [Theory]
    [InlineData("TokenIM:Tokens:AccessTokenLifetime", "00:15:00", "duration")]
    [InlineData("TokenIM:Gateway:MaxConnections", "50000", "int")]
    [InlineData("TokenIM:Storage:Provider", "Sqlite", "string")]
    [InlineData("TokenIM:RateLimits:Enabled", "true", "bool")]
    [InlineData("TokenIM:Logging:Format", "text", "string")]
    [InlineData("TokenIM:Network:TrustedProxies:0", "none", "list of string")]
    [InlineData("TokenIM:Passwords:MaxConcurrentHashes", "the processor count", "int")]
    public async Task Default_Json_KnownSetting_HasItsDefaultAndType(string name, string expectedDefault, string expectedType)
    {
        var listed = JsonSerializer.Deserialize<JsonElement[]>((await RunAsync("config", "default", "--format", "json")).Output)!;

        var setting = Assert.Single(listed, s => s.GetProperty("name").GetString() == name);
        Assert.Equal(expectedDefault, setting.GetProperty("default").GetString());
        Assert.Equal(expectedType, setting.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Default_Text_ShowsNameDefaultAndDoc()
    {
        var run = await RunAsync("config", "default");

        Assert.Equal(0, run.Exit);
        Assert.Contains("TokenIM:Webhooks:MaxAttempts = 12  (int)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Failed attempts after which a delivery is dead", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_GoodSettings_ExitsZero()
    {
        var run = await CheckAsync("--TokenIM:Gateway:MaxConnections=100", "--TokenIM:Network:TrustedProxies:0=10.0.0.5", "--TokenIM:Logging:Format=json", "--Logging:LogLevel:Microsoft.AspNetCore=warning");

        Assert.True(run.Exit == 0, run.Output + run.Error);
        Assert.Contains("The configuration is valid.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AppSettingsInContentRoot_IsRead()
    {
        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "appsettings.json"), """{ "TokenIM": { "Gateway": { "PingInterval": "forever" } } }""", TestContext.Current.CancellationToken);

        var run = await CheckAsync();

        Assert.Equal(1, run.Exit);
        Assert.Contains("TokenIM:Gateway:PingInterval: 'forever' is not a valid duration", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--TokenIM:Gateway:MaxConnections=0", "TokenIM:Gateway:MaxConnections")] // out of range
    [InlineData("--TokenIM:Gateway:MaxConnections=abc", "TokenIM:Gateway:MaxConnections: 'abc' is not a valid int")] // unparsable
    [InlineData("--TokenIM:RateLimits:Enabled=maybe", "TokenIM:RateLimits:Enabled: 'maybe' is not a valid bool")]
    [InlineData("--TokenIM:Gatway:MaxConnections=5", "TokenIM:Gatway:MaxConnections: no such setting")] // unknown key
    [InlineData("--TokenIM:Network:TrustedProxies:1=10.0.0.300", "TokenIM:Network:TrustedProxies: '10.0.0.300' is not an IP address")] // bad IP
    [InlineData("--TokenIM:Hooks:BeforeSend:Url=http://example.com/hook", "TokenIM:Hooks:BeforeSend:Url must be an absolute https URL")] // bad URL
    [InlineData("--TokenIM:Logging:Format=xml", "TokenIM:Logging:Format")] // a section the old hand-kept list did not name
    [InlineData("--TokenIM:ExternalIssuers:0:Issuer=https://idp.example", "TokenIM:ExternalIssuers:0:Audience is required")]
    [InlineData("--Logging:LogLevel:Default=Verbose", "Logging:LogLevel:Default: 'Verbose' is not a log level")] // outside TokenIM, still fatal at start-up
    [InlineData("--TokenIM:Storage:Postgres:RetryUnavailableAfter=01:00:00", "TokenIM:Storage:Postgres:RetryUnavailableAfter")] // a section in a section
    public async Task Check_BadValue_ExitsOneNamingTheSetting(string setting, string expected)
    {
        var run = await CheckAsync(setting);

        Assert.Equal(1, run.Exit);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SeveralBadValues_NamesEach()
    {
        var run = await CheckAsync("--TokenIM:Gateway:MaxConnections=abc", "--TokenIM:Limits:MaxGroupMembers=1", "--TokenIM:Tokenz:X=1");

        Assert.Equal(1, run.Exit);
        Assert.Contains("TokenIM:Gateway:MaxConnections", run.Output, StringComparison.Ordinal);
        Assert.Contains("TokenIM:Limits:MaxGroupMembers", run.Output, StringComparison.Ordinal);
        Assert.Contains("TokenIM:Tokenz:X", run.Output, StringComparison.Ordinal);
        Assert.Contains("3 problem(s) found.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validators_AreTheOnesTheServerRegisters()
    {
        using var server = new TokenImFactory();
        var registered = server.Services.GetServices<IValidateOptions<TokenImOptions>>().Select(v => v.GetType().FullName!).Order(StringComparer.Ordinal);

        Assert.Equal(registered, ConfigCheck.Validators().Select(v => v.GetType().FullName!).Order(StringComparer.Ordinal));
    }
}
