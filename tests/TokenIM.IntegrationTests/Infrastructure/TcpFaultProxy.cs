using System.Net;
using System.Net.Sockets;

namespace TokenIM.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP forwarder on 127.0.0.1 between a client and a real server (a PostgreSQL shard, Redis) that a test can cut:
/// <see cref="Cut"/> resets every open connection and refuses new ones, as a crashed or partitioned server would;
/// <see cref="Restore"/> accepts again on the same port. With <see cref="DropReplies"/> it also swallows what the
/// server answers on chosen connections and then resets them: a request that arrived and was processed, whose answer
/// (an ack) the client never sees.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private int _connections;
    private int _dropped;

    public TcpFaultProxy(IPEndPoint target)
    {
        _target = target;
        Port = LiveTokenImFactory.FreePort();
        Restore();
    }

    public int Port { get; }

    /// <summary>Given the connection's number (from 0), whether to swallow the server's reply on it and reset it. The default drops none.</summary>
    public Func<int, bool> DropReplies { get; set; } = _ => false;

    /// <summary>Connections whose reply was swallowed so far.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Resets every forwarded connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var client in _open)
            {
                // RST, not a polite FIN; a pair whose other side closed is already disposed.
                if (client.Client is { Connected: true } socket)
                    socket.LingerState = new LingerOption(true, 0);
                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener, _stop.Token);
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound, stop);
            if (DropReplies(Interlocked.Increment(ref _connections) - 1))
                _ = SwallowAsync(outbound, inbound, stop);
            else
                _ = PumpAsync(outbound, inbound, stop);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken stop)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), stop);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // Cut, or the other side closed: the pair ends.
        }

        from.Dispose();
        to.Dispose();
    }

    /// <summary>Reads the server's reply to the end and discards it, then resets the client's connection.</summary>
    private async Task SwallowAsync(TcpClient server, TcpClient client, CancellationToken stop)
    {
        try
        {
            await server.GetStream().CopyToAsync(Stream.Null, stop);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // Cut: the reset below is all that is left to do.
        }

        Interlocked.Increment(ref _dropped);
        if (client.Client is { Connected: true } socket)
            socket.LingerState = new LingerOption(true, 0);
        client.Dispose();
        server.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
