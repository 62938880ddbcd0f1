using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tessera.AppHost;

/// <summary>
/// The public port, opened and listened on by the AppHost itself and handed to every web front-end process it starts
/// (as an inherited file descriptor; Kestrel's <c>ListenHandle</c>). Old and new web processes of a rolling upgrade
/// then accept from one and the same queue: when the old one stops accepting, a connection that was waiting is taken by
/// the new one instead of being reset, and one that arrives while the front-end restarts after a crash waits in the
/// queue instead of being refused (docs/adr/0030). Unix only; on Windows the web front-end binds the port itself.
/// </summary>
internal sealed class PublicListener : IDisposable
{
    private const int Backlog = 512;
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloExec = 1;

    // A descriptor a child inherits only while a web process is being started (ChildProcess.Start), so that the other
    // services never hold the public port open.
    private static readonly Lock InheritGate = new();

    private readonly IReadOnlyList<Socket> _sockets;

    private PublicListener(IReadOnlyList<Socket> sockets) => _sockets = sockets;

    /// <summary>The descriptors, comma-separated, as the web process reads them (<c>Tessera:ListenHandles</c>).</summary>
    public string Handles => string.Join(',', _sockets.Select(s => s.Handle.ToInt64().ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Binds and listens where Kestrel would for <c>http://host:port</c>: an address as given; <c>localhost</c> on both
    /// loopbacks (IPv6 only if the machine has it); any other name or a wildcard on every address, IPv6 and IPv4.
    /// </summary>
    /// <returns>Null on Windows, where a handle cannot be handed down this way.</returns>
    public static PublicListener? Open(string host, int port)
    {
        if (OperatingSystem.IsWindows())
            return null;
        var sockets = new List<Socket>();
        try
        {
            foreach (var (address, required) in AddressesFor(host))
            {
                var socket = TryListen(new IPEndPoint(address, port), out var error);
                if (socket is not null)
                    sockets.Add(socket);
                else if (required || error!.SocketErrorCode == SocketError.AddressAlreadyInUse)
                    throw new AppHostException($"Cannot listen on {Urls.Http(host, port)}: {error!.Message}. Choose another address or port with --host/--port.");
            }
            if (sockets.Count == 0)
                throw new AppHostException($"Cannot listen on {Urls.Http(host, port)}: no address of it can be bound. Choose another with --host.");
            return new PublicListener(sockets);
        }
        catch
        {
            foreach (var socket in sockets)
                socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts a process with the public port's descriptors inherited by it and by no process started meanwhile.</summary>
    public T StartInheriting<T>(Func<T> start)
    {
        lock (InheritGate)
        {
            SetInherited(true);
            try
            {
                return start();
            }
            finally
            {
                SetInherited(false);
            }
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
            socket.Dispose();
    }

    private static IEnumerable<(IPAddress Address, bool Required)> AddressesFor(string host)
    {
        if (IPAddress.TryParse(host, out var address))
            return [(address, true)];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return Socket.OSSupportsIPv6 ? [(IPAddress.Loopback, true), (IPAddress.IPv6Loopback, false)] : [(IPAddress.Loopback, true)];
        // "*", "+" or a host name: Kestrel listens on every address for those, IPv6 with IPv4 mapped onto it.
        return Socket.OSSupportsIPv6 ? [(IPAddress.IPv6Any, true)] : [(IPAddress.Any, true)];
    }

    private static Socket? TryListen(IPEndPoint endpoint, out SocketException? error)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            else if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only, true);
            // As Kestrel does: a port left in TIME_WAIT by the last run can be listened on again at once.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(Backlog);
            error = null;
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            error = ex;
            return null;
        }
    }

    // .NET opens every descriptor close-on-exec; clearing the flag is what lets the child started next inherit it. A
    // child's .NET leaves a socket it did not open close-on-exec alone when it closes it (no shutdown), so the old web
    // process stopping never closes the queue for the others.
    private void SetInherited(bool inherited)
    {
        foreach (var socket in _sockets)
        {
            var fd = (int)socket.Handle;
            var flags = GetFlags(fd, FGetFd);
            if (flags < 0 || SetFlags(fd, FSetFd, inherited ? flags & ~FdCloExec : flags | FdCloExec) < 0)
                throw new AppHostException($"Cannot hand the public port to the web front-end (fcntl errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int GetFlags(int fd, int command);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int SetFlags(int fd, int command, int argument);
}
