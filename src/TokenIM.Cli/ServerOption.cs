using System.CommandLine;

namespace TokenIM.Cli;

/// <summary>
/// <c>--server</c>, shared by every command that talks to a server: an absolute http(s) address, the root of the
/// server (a trailing <c>/</c> is added). System.CommandLine has no <see cref="Uri"/> converter, so it is parsed here.
/// </summary>
internal static class ServerOption
{
    public static Option<Uri> Create() => new("--server", "-s")
    {
        Description = "The server's base address. The default is http://127.0.0.1:8080/.",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080/"),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
            result.AddError($"--server needs an absolute http:// or https:// address, not '{text}'.");
            return null;
        },
    };
}
