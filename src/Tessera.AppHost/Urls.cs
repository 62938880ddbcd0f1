using System.Net;
using System.Net.Sockets;

namespace Tessera.AppHost;

internal static class Urls
{
    public static string Http(string host, int port) => $"http://{FormatHost(host)}:{port}";

    /// <summary>
    /// The host the AppHost and the other services use to reach a process bound to <paramref name="bindHost"/>.
    /// A wildcard or loopback binding is reached over 127.0.0.1; only a specific non-loopback address must be used as is.
    /// </summary>
    public static string LocalHostFor(string bindHost)
    {
        if (bindHost is "*" or "+" || bindHost.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return IPAddress.Loopback.ToString();
        if (!IPAddress.TryParse(bindHost, out var address))
            return bindHost;
        if (address.Equals(IPAddress.IPv6Loopback))
            return address.ToString();
        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            ? IPAddress.Loopback.ToString()
            : bindHost;
    }

    private static string FormatHost(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{address}]"
            : host;
}
