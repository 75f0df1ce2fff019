namespace TokenIM.Server.Hosting;

/// <summary>
/// Marks a connection that arrived on the local admin socket. Only that socket's own connection middleware sets it
/// (<see cref="LocalAdminSocket"/>), on the connection's features before any byte is read: nothing a client sends,
/// and nothing about a TCP connection, can produce it.
/// </summary>
internal sealed class LocalAdminConnection
{
    public static readonly LocalAdminConnection Instance = new();

    private LocalAdminConnection()
    {
    }

    public static bool IsLocal(HttpContext context) => context.Features.Get<LocalAdminConnection>() is not null;
}
