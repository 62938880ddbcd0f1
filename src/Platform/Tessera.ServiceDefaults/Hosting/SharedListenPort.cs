using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// Listening sockets with SO_REUSEPORT (Linux): two processes of the same user may then listen on one port and the
/// kernel spreads new connections over them. A rolling upgrade starts the new web front-end on the public port beside the
/// old one, and the old one stops listening as it drains, so a browser never finds the port closed (docs/adr/0030).
/// </summary>
public static class SharedListenPort
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    public static void Use(IWebHostBuilder webHost) =>
        webHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
        {
            if (!OperatingSystem.IsLinux() || endpoint is not IPEndPoint ip)
                return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (ip.Address.Equals(IPAddress.IPv6Any))
                    socket.DualMode = true;
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                socket.Bind(ip);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        });
}
