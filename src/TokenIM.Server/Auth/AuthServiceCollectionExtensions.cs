using TokenIM.Server.Storage;

namespace TokenIM.Server.Auth;

internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddTokenImAuth(this IServiceCollection services)
    {
        services.AddMemoryCache(o => o.SizeLimit = 200_000);
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<AccessTokens>();
        // Singletons over per-operation contexts: nothing here lives in a request scope, so a socket's long-lived
        // upgrade request holds no context (it held one per socket, with its connection, until it closed).
        services.AddSingleton<IAccountStore, EfAccountStore>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<IApiKeyStore, EfApiKeyStore>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ServerUserService>();
        services.AddSingleton<ExternalTokens>();
        services.AddSingleton<ExternalUsers>();
        services.AddSingleton<TokenAuthenticator>();
        services.AddSingleton<ConsoleCallers>();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Hosting.TokenImOptions>, Hosting.ExternalIssuerSettingsValidator>();
        services.AddSingleton<ServerUserDirectory>();
        services.AddHostedService<AuthHousekeeping>();
        services.AddHostedService<SessionRevocations>();
        services.AddSingleton<SigningKeyRotation>();
        services.AddHostedService(sp => sp.GetRequiredService<SigningKeyRotation>());
        services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(ApiKeyAuthenticationHandler.PolicyName, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()));
        return services;
    }

    /// <summary>Loads (or on first start makes) the signing keys, before the first request.</summary>
    public static Task InitializeTokenImAuthAsync(this IServiceProvider services)
    {
        services.GetRequiredService<SigningKeys>().LoadOrRotate();
        return Task.CompletedTask;
    }
}

/// <summary>Hourly: rotates the signing key when due and forgets sign-in failures that left their window.</summary>
internal sealed class AuthHousekeeping(SigningKeys keys, SigningKeyRotation rotation, LoginThrottle throttle, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (keys.LoadOrRotate() is not null)
                await rotation.AnnounceAsync();
            throttle.Sweep();
        }
    }
}
