namespace TokenIM.Server.Hosting;

/// <summary>
/// The server's configuration read the way <c>WebApplication.CreateBuilder</c> plus <see cref="HostingExtensions"/>
/// read it, for the tools that act on a server's settings without starting it (<c>tokenim config check</c>,
/// <c>tokenim admin backup|restore</c>): <c>appsettings.json</c> and <c>appsettings.{Environment}.json</c> in the
/// given folder, then environment variables (<c>TOKENIM__…</c> among them), then the command line with the server's
/// own switches (<c>--data DIR</c>), later sources winning.
/// </summary>
internal static class TokenImConfiguration
{
    /// <summary>Reads the settings a server started in <paramref name="contentRoot"/> with <paramref name="args"/> would have.</summary>
    public static IConfigurationRoot Load(string contentRoot, IReadOnlyList<string> args)
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(Path.GetFullPath(contentRoot))
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. args], TokenImOptions.SwitchMappings)
            .Build();
    }

    /// <summary>The <c>TokenIM</c> section bound onto the options, unvalidated (defaults where a setting is absent).</summary>
    public static TokenImOptions Bind(IConfiguration configuration)
    {
        var options = new TokenImOptions();
        configuration.GetSection(TokenImOptions.Section).Bind(options);
        return options;
    }
}
