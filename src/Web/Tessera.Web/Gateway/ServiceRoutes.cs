using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Tessera.Web.Gateway;

public sealed class GatewayOptions
{
    public const string Section = "Tessera:Gateway";

    /// <summary>How often each instance of a service that runs as several is asked for /health/ready.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an instance that failed too many calls (30 % of at least 10 within this window) is left out before it is
    /// tried again, unless the active check still finds it down.
    /// </summary>
    public TimeSpan PassiveReactivationPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a request is held, and tried again, while no instance of its service can be connected to (a restart, a
    /// replacement) before the caller gets 503 naming the service. Zero answers 503 at once.
    /// </summary>
    public TimeSpan HoldWhileUnavailable { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a service may stay silent (no answer, no byte of its body) before the caller gets 504.</summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// What the gateway forwards where, as YARP configuration: one cluster per service of <see cref="ServiceCatalog"/> with
/// an address, its destinations being the instances in Tessera:Services:&lt;name&gt; (one URL, or several separated by
/// ';'), and the routes of each <see cref="ForwardedRoute"/> kind to them. When the addresses change in configuration,
/// YARP is told at once: new requests go to the new destinations while those in flight finish where they started.
/// </summary>
public sealed class ServiceRoutes : IProxyConfigProvider, IDisposable
{
    private readonly IOptionsMonitor<GatewayOptions> _gateway;
    private readonly ILogger<ServiceRoutes> _logger;
    private readonly IDisposable? _subscription;
    private readonly InMemoryConfigProvider _config;

    public ServiceRoutes(IOptionsMonitor<TesseraOptions> tessera, IOptionsMonitor<GatewayOptions> gateway, ILogger<ServiceRoutes> logger)
    {
        _gateway = gateway;
        _logger = logger;
        var (routes, clusters) = Build(tessera.CurrentValue);
        _config = new InMemoryConfigProvider(routes, clusters);
        _subscription = tessera.OnChange(Reload);
    }

    public IProxyConfig GetConfig() => _config.GetConfig();

    private void Reload(TesseraOptions options)
    {
        IReadOnlyList<RouteConfig> routes;
        IReadOnlyList<ClusterConfig> clusters;
        try
        {
            (routes, clusters) = Build(options);
        }
        catch (InvalidOperationException ex)
        {
            _logger.LogError("The services' addresses changed but are not valid; the gateway keeps the ones it had: {Error}", ex.Message);
            return;
        }
        _config.Update(routes, clusters);
    }

    private (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(TesseraOptions options)
    {
        var gateway = _gateway.CurrentValue;
        var clusters = ServiceCatalog.Names
            .Where(options.Services.ContainsKey)
            .Select(service => Cluster(service, options.ServiceAddresses(service), options, gateway))
            .ToList();
        var services = clusters.Select(c => c.ClusterId).ToList();
        return (ForwardedRoute.All.SelectMany(kind => kind.Routes(services)).ToList(), clusters);
    }

    private static ClusterConfig Cluster(string service, IReadOnlyList<Uri> addresses, TesseraOptions options, GatewayOptions gateway)
    {
        // Health checks choose between instances; a service with one has nothing to choose from, and probing it would
        // only add requests. HealthyOrPanic keeps every instance in play when none is known healthy, so a service that is
        // restarting is still tried (and named in a 503) rather than refused outright.
        var several = addresses.Count > 1;
        return new ClusterConfig
        {
            ClusterId = service,
            LoadBalancingPolicy = LoadBalancingPolicies.PowerOfTwoChoices,
            Destinations = addresses.ToDictionary(a => a.ToString(), a => new DestinationConfig
            {
                Address = a.ToString(),
                Metadata = WarmingUp.MetadataFor(options, service, a),
            }),
            HealthCheck = new HealthCheckConfig
            {
                AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                Active = several
                    ? new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Path = "/health/ready",
                        Interval = gateway.HealthCheckInterval,
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    }
                    : null,
                Passive = several
                    ? new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                        ReactivationPeriod = gateway.PassiveReactivationPeriod,
                    }
                    : null,
            },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = gateway.ActivityTimeout },
        };
    }

    public void Dispose() => _subscription?.Dispose();
}
