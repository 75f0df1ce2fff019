using Microsoft.Extensions.Options;
using TokenIM.Server.Hosting;

namespace TokenIM.Tests;

internal static class TestOptions
{
    public static IOptions<TokenImOptions> Create(Action<TokenImOptions>? configure = null)
    {
        var options = new TokenImOptions();
        options.Passwords.Pbkdf2Iterations = 1000;
        configure?.Invoke(options);
        return Options.Create(options);
    }
}
