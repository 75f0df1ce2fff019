using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Cli.Config;

/// <summary>
/// What <c>tokenim config check</c> finds in a configuration: keys under <c>TokenIM</c> no setting has (typos), values
/// the binder cannot read as their setting's type, and every failure of the validation the server runs at start-up.
/// </summary>
internal static class ConfigCheck
{
    /// <summary>The problems, one line each naming the setting; empty when the server would start with these settings.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var settings = SettingCatalogue.All();
        var problems = new List<string>();
        var good = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null)
                continue;
            if (!key.StartsWith(TokenImOptions.Section + ":", StringComparison.OrdinalIgnoreCase) && !key.Equals(TokenImOptions.Section, StringComparison.OrdinalIgnoreCase))
            {
                // A log level the logging system cannot read stops the server at start-up too.
                if (IsLogLevel(key) && !Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(value, ignoreCase: true, out _))
                    problems.Add($"{key}: '{value}' is not a log level: Trace, Debug, Information, Warning, Error, Critical or None.");
                good[key] = value;
                continue;
            }

            if (SettingCatalogue.Find(settings, key) is not { Property: not null } setting)
            {
                problems.Add($"{key}: no such setting (a typo?); `tokenim config default` lists them all.");
                continue;
            }

            if (Unreadable(key, value) is { } reason)
            {
                problems.Add($"{key}: '{value}' is not a valid {setting.Type}: {reason}");
                continue;
            }

            good[key] = value;
        }

        // The values that can be read are bound and validated as at start-up, so one typo does not hide other mistakes.
        var options = TokenImConfiguration.Bind(new ConfigurationBuilder().AddInMemoryCollection(good).Build());
        foreach (var validator in Validators())
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
                problems.AddRange(result.Failures);
        }

        return problems;
    }

    /// <summary>
    /// The validators the server registers for its options: data annotations of the top level plus every
    /// <see cref="IValidateOptions{TOptions}"/> of <see cref="TokenImOptions"/> in the server (each area may add its
    /// own), made by a small container so one that asks for a logger or the clock still runs. Cli/ConfigCommandTests
    /// holds this set equal to the one a running server resolves.
    /// </summary>
    public static IReadOnlyList<IValidateOptions<TokenImOptions>> Validators()
    {
        var types = typeof(TokenImOptions).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition && typeof(IValidateOptions<TokenImOptions>).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        foreach (var type in types)
            services.AddSingleton(type);
        var provider = services.BuildServiceProvider();
        return [new DataAnnotationValidateOptions<TokenImOptions>(Options.DefaultName), .. types.Select(t => (IValidateOptions<TokenImOptions>)provider.GetRequiredService(t))];
    }

    /// <summary><c>Logging:LogLevel:CATEGORY</c>, or a provider's own <c>Logging:PROVIDER:LogLevel:CATEGORY</c>.</summary>
    private static bool IsLogLevel(string key)
    {
        var parts = key.Split(':');
        return parts.Length >= 3 && parts[0].Equals("Logging", StringComparison.OrdinalIgnoreCase)
            && (parts[1].Equals("LogLevel", StringComparison.OrdinalIgnoreCase) || (parts.Length >= 4 && parts[2].Equals("LogLevel", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Why the binder refuses <paramref name="value"/> for <paramref name="key"/>; null when it reads it. The binder itself decides.</summary>
    private static string? Unreadable(string key, string value)
    {
        try
        {
            TokenImConfiguration.Bind(new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build());
            return null;
        }
        catch (InvalidOperationException e)
        {
            return (e.InnerException ?? e).Message;
        }
        catch (TargetInvocationException e)
        {
            return (e.InnerException ?? e).Message;
        }
    }
}
