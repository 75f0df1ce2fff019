using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// The server on a real Kestrel socket on 127.0.0.1, for clients that need one (ClientWebSocket, the SDK, a browser).
/// <see cref="Port"/> is fixed at construction, so a second factory over the same data directory and port is the same
/// server restarted.
/// </summary>
public sealed class LiveTokenImFactory : TokenImFactory
{
    // Port 0: Kestrel binds a port the OS picks, so servers started in parallel never race for one (a port found free
    // and bound a moment later was, now and then, taken in between: "address already in use").
    public LiveTokenImFactory()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    private LiveTokenImFactory(string dataDirectory, int port, bool ownsData = true)
        : base(dataDirectory, ownsData)
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
    }

    /// <summary>The port the server listens on; starts the server on first use.</summary>
    public int Port => BaseUri.Port;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:43121/</c>; starts the server on first use.</summary>
    public Uri BaseUri
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }

    /// <summary>
    /// A second server over the same data directory and port: the first, restarted. Take it before disposing the
    /// first, and start it after: the data now belongs to the second, so disposing the first leaves it in place.
    /// </summary>
    public LiveTokenImFactory Restarted()
    {
        var port = Port;
        HandOverData();
        return new(DataDirectory, port);
    }

    /// <summary>
    /// Another node of the same cluster: its own port, the same data directory (so the same database and signing
    /// keys) and the same settings. It leaves the data in place; start this node first.
    /// </summary>
    public LiveTokenImFactory SecondNode()
    {
        var node = new LiveTokenImFactory(DataDirectory, 0, ownsData: false);
        foreach (var (key, value) in Settings)
            node.Settings[key] = value;
        return node;
    }

    /// <summary>A TCP port that was free a moment ago on the loopback address.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
