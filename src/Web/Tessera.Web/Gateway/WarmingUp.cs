using Tessera.ServiceDefaults.Hosting;
using Yarp.ReverseProxy.Model;

namespace Tessera.Web.Gateway;

/// <summary>
/// During a rolling upgrade's warm-up a service has two addresses, the running build's and the new build's (docs/adr/0030).
/// The new one gets a share of the reads, so that its first calls compile and fill its caches, but no write: each
/// process keeps its own write gate (ADR 0002), and two processes writing one SQLite file wait for each other on the
/// file's lock with a sleeping back-off instead of the gate's queue — in the 50-user test, that made the orders swap the
/// slowest of all (placements waiting seconds). A write still goes to the new build when the running one is not there.
/// </summary>
public static class WarmingUp
{
    /// <summary>The destination metadata that marks an address as a new build still warming up.</summary>
    public const string Metadata = "tessera.warming-up";

    /// <summary>YARP's pipeline step before an instance is picked, after <see cref="AnotherInstance"/> (so a retry gets it too).</summary>
    public static Task ReadsOnlyAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            var proxy = context.GetReverseProxyFeature();
            var destinations = proxy.AvailableDestinations;
            if (destinations.Count > 1 && destinations.Any(IsWarmingUp))
            {
                var running = destinations.Where(d => !IsWarmingUp(d)).ToList();
                if (running.Count > 0)
                    proxy.AvailableDestinations = running;
            }
        }
        return next(context);
    }

    /// <summary>The metadata for a destination at <paramref name="address"/> of <paramref name="service"/>, if it is warming up.</summary>
    public static IReadOnlyDictionary<string, string>? MetadataFor(TesseraOptions options, string service, Uri address) =>
        options.WarmingUp.TryGetValue(service, out var warming) && Uri.TryCreate(warming, UriKind.Absolute, out var uri) && uri == address
            ? new Dictionary<string, string> { [Metadata] = "true" }
            : null;

    private static bool IsWarmingUp(DestinationState destination) =>
        destination.Model.Config.Metadata?.ContainsKey(Metadata) == true;
}
