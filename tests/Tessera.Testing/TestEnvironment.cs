using System.Net;
using System.Net.Sockets;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Testing;

/// <summary>A throwaway folder under the system temp folder, removed when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "tessera-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that just exited may still hold a file for a moment; the OS temp cleaner removes leftovers.
        }
    }
}

public static class Ports
{
    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Tokens signed with the internal key of a data folder, as the web front-end would mint them.</summary>
public static class TestTokens
{
    public static string Internal(string dataDir, string tenant, string user = "tester", params string[] roles) =>
        Codec(dataDir).Issue(user, tenant, roles.Length == 0 ? [Roles.Admin] : roles, TokenAudiences.Internal, TimeSpan.FromMinutes(10));

    public static SignedTokenCodec Codec(string dataDir) =>
        new([SecretStore.ForDataDir(dataDir).GetOrCreateKey("internal-token")], TimeProvider.System);
}
