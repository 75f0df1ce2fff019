using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TokenIM.Server.Hosting;

/// <summary>
/// The local admin socket: a Unix domain socket (by default <c>admin.sock</c> in the data directory, mode 0600) on
/// which the server API needs no key, so the first key can be made without one (like Mattermost's local mode).
/// Whoever can open the file already owns the data directory, keys and database.
/// </summary>
/// <remarks>
/// It is added to the server's addresses rather than listened on in code: a Kestrel listener made in code makes
/// Kestrel ignore <c>Urls</c>, which is how the server is told where to listen. So it exists only when the addresses
/// are used (the server binary; not a host that calls <c>Listen</c> itself).
/// </remarks>
internal static class LocalAdminSocket
{
    public const string DefaultFileName = "admin.sock";

    /// <summary>The socket's absolute path, or null when <c>TokenIM:Admin:LocalSocket</c> is empty (off).</summary>
    public static string? PathOf(TokenImOptions options) => options.Admin.LocalSocket switch
    {
        null => Path.Combine(Path.GetFullPath(options.DataDirectory), DefaultFileName),
        "" => null,
        var path => Path.GetFullPath(path),
    };

    public static IServiceCollection AddTokenImLocalSocket(this IServiceCollection services)
    {
        // Decorates whatever server is registered now (Kestrel); a host that registers another later (the test
        // server) replaces the decorator with it, and then there is no socket, as there is no listening at all.
        if (services.LastOrDefault(d => d.ServiceType == typeof(IServer)) is { } inner)
        {
            services.Add(ServiceDescriptor.Singleton<IServer>(sp => new LocalSocketServer(
                Create(sp, inner), sp.GetRequiredService<IOptions<TokenImOptions>>(), sp.GetRequiredService<ILogger<LocalSocketServer>>())));
        }

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<TokenImOptions>>((kestrel, options) =>
        {
            var path = PathOf(options.Value);
            kestrel.ConfigureEndpointDefaults(listen =>
            {
                // Only the listener on this exact path marks its connections local; TCP listeners never do.
                if (path is not null && listen.EndPoint is UnixDomainSocketEndPoint socket && socket.ToString() == path)
                {
                    listen.Use(next => connection =>
                    {
                        connection.Features.Set(LocalAdminConnection.Instance);
                        return next(connection);
                    });
                }
            });
        });
        return services;
    }

    private static IServer Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IServer)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

/// <summary>The server, plus the local admin socket among its addresses; removes the socket file when it stops.</summary>
internal sealed partial class LocalSocketServer(IServer inner, IOptions<TokenImOptions> options, ILogger<LocalSocketServer> logger) : IServer
{
    private string? _bound;

    public IFeatureCollection Features => inner.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        var path = LocalAdminSocket.PathOf(options.Value);
        var addresses = Features.Get<IServerAddressesFeature>()?.Addresses;
        if (path is not null && addresses is { IsReadOnly: false } && !OperatingSystem.IsWindows() && Claim(path))
        {
            // An empty list means Kestrel's default address; adding ours would replace it, so name it.
            if (addresses.Count == 0)
                addresses.Add("http://localhost:5000");
            addresses.Add("http://unix:" + path);
            _bound = path;
        }

        await inner.StartAsync(application, cancellationToken);
        if (_bound is not null && !OperatingSystem.IsWindows() && File.Exists(_bound))
        {
            File.SetUnixFileMode(_bound, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            LogListening(logger, _bound);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await inner.StopAsync(cancellationToken);
        if (_bound is not null)
            File.Delete(_bound);
    }

    public void Dispose() => inner.Dispose();

    // A file left by a crash would make the bind fail: remove it. One a running server answers on is left alone
    // (two servers over one data directory): this one then has no local socket.
    private bool Claim(string path)
    {
        if (!File.Exists(path))
            return true;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            LogInUse(logger, path);
            return false;
        }
        catch (SocketException)
        {
            File.Delete(path);
            return true;
        }
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Local admin socket at {Path}")]
    private static partial void LogListening(ILogger logger, string path);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Local admin socket {Path} is in use by another server: this one has none")]
    private static partial void LogInUse(ILogger logger, string path);
}
