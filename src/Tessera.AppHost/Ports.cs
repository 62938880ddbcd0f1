using System.Net;
using System.Net.Sockets;

namespace Tessera.AppHost;

internal static class Ports
{
    /// <summary>
    /// Free ports on 127.0.0.1, chosen by the OS. Every listener stays open until all ports are picked, so the OS cannot
    /// hand the same port out twice. A service keeps its port for the life of the AppHost, restarts included.
    /// </summary>
    public static IReadOnlyList<int> AllocateLoopback(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var listener in listeners)
                listener.Dispose();
        }
    }

    /// <summary>
    /// Fails early, with a clear message, when the public port is taken; otherwise the web front-end would crash on
    /// start and the user would only see restarts and a JSON stack trace in its log.
    /// </summary>
    public static void EnsureBindable(string host, int port)
    {
        var address = host switch
        {
            "*" or "+" => IPAddress.Any,
            _ when host.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (address is null)
            return; // A host name: Kestrel decides what it binds to, so there is nothing meaningful to test here.

        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
        }
        catch (SocketException ex)
        {
            throw new AppHostException($"Cannot listen on {Urls.Http(host, port)}: {ex.Message}. Choose another address or port with --host/--port.");
        }
    }
}
