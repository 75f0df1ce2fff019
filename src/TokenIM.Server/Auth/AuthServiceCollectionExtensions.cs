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
        services.AddScoped<IAccountStore, EfAccountStore>();
        services.AddScoped<SessionService>();
        services.AddScoped<AccountService>();
        services.AddHostedService<AuthHousekeeping>();
        services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
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
internal sealed class AuthHousekeeping(SigningKeys keys, LoginThrottle throttle, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            keys.LoadOrRotate();
            throttle.Sweep();
        }
    }
}
